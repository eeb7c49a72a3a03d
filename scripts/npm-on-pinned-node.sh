#!/usr/bin/env bash
# Runs npm itself on the project's pinned Node 24 instead of the system Node:
#   scripts/npm-on-pinned-node.sh install            (npm run setup)
#   scripts/npm-on-pinned-node.sh ci --no-audit      (.ci/run)
#   scripts/npm-on-pinned-node.sh install some-package@1.2.3
# Why: npm checks every package's `engines` against the Node it runs on (npm 11 hard-codes
# process.version; the old `node-version` setting is gone, and engine-strict=false only changes
# warning-or-error). On the system Node 20, each dependency that declares Node >= 22 prints an
# EBADENGINE warning, though everything runs on the pinned Node 24. npm's launcher is
# `#!/usr/bin/env node`, so putting Node 24 first on PATH makes npm run on it and check against it.
# Before the first install there is no node_modules/.bin/node yet: npx fetches the same pinned
# `node` package into its cache (that package declares no Node engine, so nothing warns) and runs
# npm under it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

pinned="$(node -p 'require("./package.json").devDependencies.node')"
local_node="${PWD}/node_modules/.bin/node"

if [[ -x "${local_node}" && "$("${local_node}" --version)" == "v${pinned}" ]]; then
  PATH="${PWD}/node_modules/.bin:${PATH}" exec npm "$@"
fi
echo "npm-on-pinned-node: fetching Node ${pinned} to run npm on (first install only)" >&2
exec npx --yes --package "node@${pinned}" -- npm "$@"

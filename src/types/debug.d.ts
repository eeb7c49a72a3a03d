// The two calls of `debug` (4.x) that proxy-adapter.ts makes; the package ships no types and
// @types/debug would be a dependency for two signatures.
declare module 'debug' {
  interface Debug {
    /** Turns every namespace off and returns the namespaces that were enabled. */
    disable(): string;
    enable(namespaces: string): void;
  }
  const debug: Debug;
  export default debug;
}

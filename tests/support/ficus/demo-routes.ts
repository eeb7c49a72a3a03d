// Route YAML for tests that run against the demo upstreams (src/demo): the patient read route,
// with the compare block a test needs.

/** The patient-read route entry (a `- id:` item, indented for a `routes:` list). */
export function patientReadRoute(compareYaml = `    compare:
      ignore: [/meta/lastUpdated]
      arrays: { /telecom: unordered }
`): string {
  return `  - id: patient-read
    match: { methods: [GET], path: /fhir/Patient/:id }
    new: ehr-next
    flag: ficus.patient-read
    stickiness: { path: id }
${compareYaml}`;
}

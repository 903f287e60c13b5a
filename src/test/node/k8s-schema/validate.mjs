// Validates Kubernetes and Knative manifests against their schemas (kubernetes-models): every document in every
// file given, by apiVersion and kind. Prints one line per document; exits 1 on the first kind it cannot check and
// after reporting every invalid document. First it proves the validator bites: a Deployment with a string for
// spec.replicas must be refused.
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';

function modulePath(apiVersion, kind) {
  if (apiVersion === 'v1') return `kubernetes-models/v1/${kind}`;
  if (/^[a-z.]+\.knative\.dev\//.test(apiVersion)) return `@kubernetes-models/knative/${apiVersion}/${kind}`;
  return `kubernetes-models/${apiVersion}/${kind}`;
}

async function check(doc) {
  const Model = (await import(modulePath(doc.apiVersion, doc.kind)))[doc.kind];
  if (!Model) throw new Error(`no schema for ${doc.apiVersion} ${doc.kind}`);
  new Model(doc).validate();
}

let refused = false;
try {
  await check({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' },
    spec: { replicas: 'two', selector: { matchLabels: { a: 'b' } },
      template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } } });
} catch (e) {
  refused = true;
}
if (!refused) {
  console.log('FAIL the validator accepted a Deployment with replicas: "two"');
  process.exit(1);
}

let failures = 0;
for (const file of process.argv.slice(2)) {
  for (const d of parseAllDocuments(readFileSync(file, 'utf8'))) {
    const doc = d.toJS();
    if (!doc) continue;
    try {
      await check(doc);
      console.log(`OK ${file} ${doc.apiVersion} ${doc.kind} ${doc.metadata?.name}`);
    } catch (e) {
      failures++;
      console.log(`FAIL ${file} ${doc.apiVersion} ${doc.kind} ${doc.metadata?.name}: ${e.message}`);
    }
  }
}
process.exit(failures === 0 ? 0 : 1);

// Validates the Strimzi and CloudNativePG resources among Kubernetes manifests (a JSON array
// on stdin) against the operators' CRD schemas, offline: the schemas come compiled in the
// pinned @kubernetes-models packages (package-lock.json). Prints one line per resource;
// exits 1 if any is invalid, or is of a kind of those operators this script does not know.
import { Kafka, KafkaNodePool, KafkaTopic, KafkaUser } from "@kubernetes-models/strimzi-kafka-operator/kafka.strimzi.io/v1beta2";
import { Cluster } from "@kubernetes-models/cloudnative-pg/postgresql.cnpg.io/v1";

const models = {
  "kafka.strimzi.io/v1beta2": { Kafka, KafkaNodePool, KafkaTopic, KafkaUser },
  "postgresql.cnpg.io/v1": { Cluster },
};
const operated = ["kafka.strimzi.io/", "core.strimzi.io/", "postgresql.cnpg.io/"];

let input = "";
for await (const chunk of process.stdin) input += chunk;
let failed = false;
for (const doc of JSON.parse(input)) {
  const { apiVersion = "", kind = "", metadata = {} } = doc;
  if (!operated.some((group) => apiVersion.startsWith(group))) continue;
  const name = `${apiVersion} ${kind} ${metadata.name}`;
  const Model = models[apiVersion]?.[kind];
  if (!Model) {
    console.log(`UNKNOWN ${name}: no schema here for this kind`);
    failed = true;
    continue;
  }
  try {
    new Model(doc).validate();
    console.log(`valid ${name}`);
  } catch (error) {
    console.log(`INVALID ${name}: ${error.message}`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);

// The built Node package driven from JavaScript (node:test). Build it first:
//   cargo build --release --target wasm32-unknown-unknown -p offset-express-wasm
//   wasm-bindgen --target nodejs --out-dir crates/wasm/pkg/node \
//     target/wasm32-unknown-unknown/release/offset_express_wasm.wasm
// then run: node --test tests/node/
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { Simulator } = require("../../crates/wasm/pkg/node/offset_express_wasm.js");

const scenario = (name) =>
  readFileSync(new URL(`../scenarios/${name}`, import.meta.url), "utf8");

test("a scenario runs line by line and the state follows the schema", () => {
  const sim = new Simulator(7);
  const created = sim.run("kafka-topics --create --topic orders --partitions 3");
  assert.equal(created.text, "Created topic orders.\n");
  assert.equal(created.events[0].type, "TopicCreated");
  sim.run("producer p1 acks=all linger.ms=0");
  const sent = sim.run('send p1 --topic orders --key alice --value "2 tickets"');
  assert.match(sent.text, /^p1: orders-\d@0\n$/);
  const offsets = sim.run("kafka-get-offsets --topic orders").text.trim().split("\n");
  assert.equal(offsets.length, 3);
  assert.equal(offsets.filter((l) => l.endsWith(":1")).length, 1);
  const state = sim.state();
  assert.equal(state.schema, "offset-express/state");
  assert.equal(state.version, 1);
  assert.equal(state.topics[0].partitions.reduce((n, p) => n + p.records.length, 0), 1);
  assert.deepEqual(JSON.parse(sim.stateJson()), state);
});

test("a failing line throws an Error with line, column and Kafka's code, and changes nothing", () => {
  const sim = new Simulator(1);
  sim.runScript(
    "kafka-topics --create --topic t --replication-factor 3 --config min.insync.replicas=3\nproducer p\nkill-broker 2\n",
  );
  const before = sim.stateHash();
  assert.throws(
    () => sim.run("kafka-console-producer --topic t --value v"),
    (e) => e instanceof Error && e.code === "NOT_ENOUGH_REPLICAS" && e.line === 1 && e.column === 1,
  );
  assert.equal(sim.stateHash(), before);
  assert.throws(
    () => sim.run("kafka-topics --create --topic x --partitons 2"),
    (e) => e.kind === "parse" && e.column === 33 && /did you mean '--partitions'/.test(e.message),
  );
});

test("runScript stops at the first failing line and says where", () => {
  const sim = new Simulator(3);
  assert.throws(
    () => sim.runScript("kafka-topics --create --topic a\n\nsend p9 --topic a --value v\n"),
    (e) => e.line === 3 && e.code === "UNKNOWN_CLIENT" && e.completed.length === 1,
  );
});

test("snapshot and restore give the same world", () => {
  const sim = new Simulator(11);
  sim.runScript(scenario("producer.oe").split("send p9")[0]);
  const bytes = sim.snapshot();
  assert.ok(bytes instanceof Uint8Array);
  const copy = Simulator.restore(bytes);
  assert.equal(copy.stateHash(), sim.stateHash());
  assert.equal(copy.stateJson(), sim.stateJson());
  assert.throws(() => Simulator.restore(bytes.slice(0, 10)), (e) => e.code === "CORRUPT_SNAPSHOT");
});

test("events accumulate until taken", () => {
  const sim = new Simulator(2);
  sim.run("kafka-topics --create --topic a");
  sim.run("kafka-topics --create --topic b");
  assert.equal(sim.events().length, 2);
  assert.equal(sim.takeEvents().length, 2);
  assert.equal(sim.takeEvents().length, 0);
});

test("a consumer that crashes after processing but before committing gets the batch again", () => {
  const sim = new Simulator(7);
  sim.runScript(readFileSync(new URL("../scenarios/crash-before-commit.oe", import.meta.url), "utf8")
    .split("process c1\n")[0]);
  sim.run("process c1");
  sim.runScript("crash c1\nadvance 45s\nrestart c1\npoll c1\nadvance 3s\n");
  const again = sim.run("poll c1");
  assert.match(again.text, /orders-0@0 key=alice/);
  const processed = sim.run("process c1").events.find((e) => e.type === "RecordsProcessed");
  assert.ok(processed.records.every((r) => r.times === 2), "every record processed twice");
  assert.equal(sim.state().consumers[0].state, "running");
});

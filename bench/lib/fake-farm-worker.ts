// A worker process of the scale benchmark's farm (scale-farm.ts): starts the FakeMaster pairs
// its spec file lists, prints "ready <count>" on stdout, and serves them until it is killed.
//
//   node [tsx flags] bench/lib/fake-farm-worker.ts <spec.json>
import fs from "node:fs";
import { InfoTemplate } from "./fake-instance.js";
import { FakeMaster } from "./fake-master.js";

export interface WorkerSpec {
  /** replicaPort 0: a master without a replica. */
  pairs: { host: string; masterPort: number; replicaPort: number }[];
  /** Real INFO replies of a master and of a replica, as templates. */
  masterInfo: string;
  replicaInfo: string;
}

async function main(): Promise<void> {
  const specPath = process.argv[2];
  if (specPath === undefined) throw new Error("usage: fake-farm-worker.ts <spec.json>");
  const spec = JSON.parse(fs.readFileSync(specPath, "utf8")) as WorkerSpec;
  const masterTemplate = new InfoTemplate(spec.masterInfo);
  const replicaTemplate = new InfoTemplate(spec.replicaInfo);
  const masters: FakeMaster[] = [];
  for (const pair of spec.pairs) {
    masters.push(
      await FakeMaster.start(
        pair.host,
        pair.masterPort,
        pair.replicaPort,
        masterTemplate,
        replicaTemplate,
      ),
    );
  }
  process.stdout.write(`ready ${masters.length}\n`);
  const stop = (): void => {
    for (const master of masters) master.close();
    process.exit(0);
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});

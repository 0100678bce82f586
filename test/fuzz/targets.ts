// Every fuzz target by name (the CLI's --target and the CI budget test).
import type { FuzzTarget } from "./runner.js";
import { configTarget } from "./targets/config.js";
import { helloTarget } from "./targets/hello.js";
import { infoTarget } from "./targets/info.js";
import { respReplyTarget } from "./targets/resp-reply.js";
import { respRequestTarget } from "./targets/resp-request.js";

export const TARGETS: readonly FuzzTarget[] = [
  respRequestTarget,
  respReplyTarget,
  configTarget,
  helloTarget,
  infoTarget,
];

export function targetByName(name: string): FuzzTarget | undefined {
  return TARGETS.find((t) => t.name === name);
}

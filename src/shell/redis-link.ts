/**
 * The links' factory (link-contract.ts has the contract): the bare RESP link (resp-link.ts) by
 * default — a monitor link needs none of a general-purpose client's machinery, and at 1,000
 * masters ioredis dominated CPU and memory — or the ioredis-backed one (ioredis-link.ts) when
 * `VIGIL_LINK_CLIENT=ioredis`, for A/B comparisons. ioredis, when chosen, is loaded by
 * `loadRedisClient`, which the daemon awaits after it starts listening.
 */
import { createIoredisLink, loadIoredis } from "./ioredis-link.js";
import type { RedisLinkFactory } from "./link-contract.js";
import { createRespLink } from "./resp-link.js";

/** `VIGIL_LINK_CLIENT=ioredis` selects the ioredis-backed links (A/B comparisons). */
const USE_IOREDIS = process.env["VIGIL_LINK_CLIENT"] === "ioredis";

/** Loads ioredis once if the links use it (createRedisLink needs it done then). */
export async function loadRedisClient(): Promise<void> {
  if (!USE_IOREDIS) return;
  await loadIoredis();
}

/** The links' factory: the bare RESP link, or ioredis when VIGIL_LINK_CLIENT=ioredis. */
export const createRedisLink: RedisLinkFactory = (options, handlers) =>
  USE_IOREDIS ? createIoredisLink(options, handlers) : createRespLink(options, handlers);

// Free loopback ports for test processes: the same picker the demo uses (src/topology).
export { freePort, freePorts } from "../../../src/topology/free-port.js";

// The run ids of the unit tests: this sentinel's, and its peers' in sorted order (MY_ID sorts
// before every peer, so a tie between equal vote counts never picks a peer by accident).
export const MY_ID = "0123456789abcdef0123456789abcdef01234567";
export const PEER_A = "a".repeat(40);
export const PEER_B = "b".repeat(40);
export const PEER_C = "c".repeat(40);
export const PEER_D = "d".repeat(40);
export const PEER_E = "e".repeat(40);

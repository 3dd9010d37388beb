export * from "./noderun";
export * from "./problems";
export * from "./csv";
export * from "./contract";
export * from "./source";

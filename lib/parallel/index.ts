export * from "./pool";
export * from "./probe";

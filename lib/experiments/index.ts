export * from "./config";
export * from "./feature-cache";
export * from "./pipeline";
export * from "./figures";
export * from "./reproduce";
export * from "./summary";

export * from "./figure";
export * from "./html";
export * from "./notebook";
export { plotlyBundle, plotlyVersion } from "./bundle";
export * from "./export";
export { findChromium, withOfflinePage } from "./browser";
export * from "./telemetry";
export * from "./results";

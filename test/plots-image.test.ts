import { strict as assert } from "node:assert";
import { findChromium, figuresToImages, confusionFigure, type Figure } from "../lib/plots";
import { decodePng, countNonBackground, encodePng } from "./support/png";

describe("plots: PNG export in headless Chromium", function () {
  this.timeout(180000);

  it("the test's PNG decoder undoes every row filter", () => {
    // 2 x 3 RGBA. Row 0 "Sub", row 1 "Up", row 2 "Paeth"; expected pixels written out by hand.
    const png = encodePng(2, 3, [
      { filter: 1, bytes: [10, 20, 30, 255, 5, 5, 5, 0] }, // -> (10,20,30,255) (15,25,35,255)
      { filter: 2, bytes: [1, 1, 1, 0, 250, 0, 0, 0] }, // -> (11,21,31,255) (9,25,35,255)
      { filter: 4, bytes: [0, 0, 0, 0, 3, 3, 3, 3] }, // Paeth: x0 takes up; x1 from left/up/up-left
    ]);
    const img = decodePng(png);
    assert.deepEqual([img.width, img.height, img.channels], [2, 3, 4]);
    assert.deepEqual(Array.from(img.pixels.subarray(0, 16)), [10, 20, 30, 255, 15, 25, 35, 255, 11, 21, 31, 255, 9, 25, 35, 255]);
    // Row 2, x0: a=0, b=up (11,21,31,255), c=0 -> p=b, predictor b. x1: a=(11,21,31,255), b=(9,25,35,255), c=(11,21,31,255):
    // p = a + b - c = b, so the predictor is b: (12,28,38,2) after adding 3 (mod 256).
    assert.deepEqual(Array.from(img.pixels.subarray(16)), [11, 21, 31, 255, 12, 28, 38, 2]);
    assert.equal(countNonBackground(img, [255, 255, 255], 0), 6);
  });

  it("renders a confusion matrix to a PNG that is not blank", async function () {
    if (findChromium() === undefined) {
      console.log("      (skipped: no Chromium; .ci/run installs Debian's chromium)");
      this.skip();
    }
    const figure: Figure = confusionFigure({ labels: ["none", "membw", "memleak"], matrix: [[90, 8, 2], [5, 40, 5], [0, 1, 49]] });
    const blank: Figure = { data: [], layout: { xaxis: { visible: false }, yaxis: { visible: false } } };
    const [png, empty] = (await figuresToImages([figure, blank], "png", { width: 600, height: 400 })) as Buffer[];
    const img = decodePng(png);
    assert.deepEqual([img.width, img.height], [600, 400]);
    const drawn = countNonBackground(img);
    assert.ok(drawn > 0.1 * 600 * 400, `only ${drawn} of ${600 * 400} pixels differ from white`);
    // The diagonal's dark blue (Plotly's "Blues" top, rgb(8,48,107)) is there.
    let darkBlue = 0;
    for (let i = 0; i < img.width * img.height; i++) {
      const o = i * img.channels;
      if (img.pixels[o] < 40 && img.pixels[o + 1] < 90 && img.pixels[o + 2] > 90) darkBlue++;
    }
    assert.ok(darkBlue > 1000, `${darkBlue} dark blue pixels`);
    // And the check can fail: a figure with nothing in it is (nearly) all background.
    assert.ok(countNonBackground(decodePng(empty)) < 0.01 * 600 * 400);
  });
});

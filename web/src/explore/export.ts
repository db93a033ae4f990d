/** Saving the view as a file: PNG or SVG, of the network or of the facility map; or the data in
 * view as GraphML, GEXF or FollowTheMoney entities, from the server's /export endpoints. */

import { h } from "./dom";

export function download(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = h("a", { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 5000);
}

export function svgBlob(svg: SVGSVGElement | string): Blob {
  const text = typeof svg === "string" ? svg : new XMLSerializer().serializeToString(svg);
  return new Blob([text], { type: "image/svg+xml" });
}

/** An SVG drawing as a PNG at twice its size, drawn through a canvas (a blob: URL, no network). */
export async function svgToPng(svg: SVGSVGElement): Promise<Blob> {
  const url = URL.createObjectURL(svgBlob(svg));
  try {
    const image = new Image();
    image.src = url;
    await image.decode();
    const canvas = h("canvas", { width: image.width * 2, height: image.height * 2 });
    const context = canvas.getContext("2d");
    if (!context) throw new Error("this browser has no 2D canvas");
    context.scale(2, 2);
    context.drawImage(image, 0, 0);
    return await new Promise((resolve, reject) =>
      canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error("PNG export failed"))), "image/png"),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}

export type DataFormat = "graphml" | "gexf" | "ftm";
export const DATA_EXTENSIONS: Record<DataFormat, string> = {
  graphml: "graphml",
  gexf: "gexf",
  ftm: "ftm.json",
};

/** These entities and the links between them, as the server writes them in `format`. */
export async function exportData(format: DataFormat, ids: string[]): Promise<Blob> {
  const response = await fetch(`/export/${format}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ ids }),
  });
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as { errors?: { message: string }[] } | null;
    throw new Error(body?.errors?.[0]?.message ?? `The export failed (HTTP ${response.status}).`);
  }
  return await response.blob();
}

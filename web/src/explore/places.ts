/**
 * Where to put a facility on the map when the data has no coordinates for it.
 *
 * The graph never invents coordinates (Location.latitude/longitude stay empty unless a source
 * gives them). The facilities view still has to draw each site somewhere, so it falls back to a
 * fixed table of centroids: a US state or UK nation when the location names one, otherwise the
 * country. Such points are APPROXIMATE and are drawn and labelled as such. Centroids are the
 * usual geographic centres (degrees, WGS-84), rounded to two decimals.
 */

export type Placement =
  | { kind: "exact"; lat: number; lon: number; label: string }
  | { kind: "approximate"; lat: number; lon: number; label: string }
  | { kind: "none"; label: string };

export interface LocationLike {
  city?: string | null;
  state?: string | null;
  country?: string | null;
  latitude?: number | null;
  longitude?: number | null;
}

type Centroid = [name: string, lat: number, lon: number];

/** US states (and DC, Puerto Rico) by postal code. */
const US_STATES: Record<string, Centroid> = {
  AL: ["Alabama", 32.32, -86.9],
  AK: ["Alaska", 63.59, -154.49],
  AZ: ["Arizona", 34.05, -111.09],
  AR: ["Arkansas", 35.2, -91.83],
  CA: ["California", 36.78, -119.42],
  CO: ["Colorado", 39.55, -105.78],
  CT: ["Connecticut", 41.6, -73.09],
  DE: ["Delaware", 38.91, -75.53],
  DC: ["District of Columbia", 38.91, -77.03],
  FL: ["Florida", 27.66, -81.52],
  GA: ["Georgia", 32.16, -82.91],
  HI: ["Hawaii", 19.9, -155.67],
  ID: ["Idaho", 44.07, -114.74],
  IL: ["Illinois", 40.63, -89.4],
  IN: ["Indiana", 40.55, -85.6],
  IA: ["Iowa", 41.88, -93.1],
  KS: ["Kansas", 39.01, -98.48],
  KY: ["Kentucky", 37.84, -84.27],
  LA: ["Louisiana", 31.24, -92.15],
  ME: ["Maine", 45.25, -69.45],
  MD: ["Maryland", 39.05, -76.64],
  MA: ["Massachusetts", 42.41, -71.38],
  MI: ["Michigan", 44.31, -85.6],
  MN: ["Minnesota", 46.73, -94.69],
  MS: ["Mississippi", 32.35, -89.4],
  MO: ["Missouri", 37.96, -91.83],
  MT: ["Montana", 46.88, -110.36],
  NE: ["Nebraska", 41.49, -99.9],
  NV: ["Nevada", 38.8, -116.42],
  NH: ["New Hampshire", 43.19, -71.57],
  NJ: ["New Jersey", 40.06, -74.41],
  NM: ["New Mexico", 34.97, -105.03],
  NY: ["New York", 43.3, -74.22],
  NC: ["North Carolina", 35.76, -79.02],
  ND: ["North Dakota", 47.55, -101.0],
  OH: ["Ohio", 40.42, -82.91],
  OK: ["Oklahoma", 35.01, -97.09],
  OR: ["Oregon", 43.8, -120.55],
  PA: ["Pennsylvania", 41.2, -77.19],
  PR: ["Puerto Rico", 18.22, -66.59],
  RI: ["Rhode Island", 41.58, -71.48],
  SC: ["South Carolina", 33.84, -81.16],
  SD: ["South Dakota", 43.97, -99.9],
  TN: ["Tennessee", 35.52, -86.58],
  TX: ["Texas", 31.97, -99.9],
  UT: ["Utah", 39.32, -111.09],
  VT: ["Vermont", 44.56, -72.58],
  VA: ["Virginia", 37.43, -78.66],
  WA: ["Washington", 47.75, -120.74],
  WV: ["West Virginia", 38.6, -80.45],
  WI: ["Wisconsin", 43.78, -88.79],
  WY: ["Wyoming", 43.08, -107.29],
};

/** The nations of the United Kingdom. */
const UK_NATIONS: Record<string, Centroid> = {
  ENG: ["England", 52.36, -1.17],
  SCT: ["Scotland", 56.49, -4.2],
  WLS: ["Wales", 52.13, -3.78],
  NIR: ["Northern Ireland", 54.79, -6.49],
};

/** Countries by ISO 3166-1 alpha-2 code. */
const COUNTRIES: Record<string, Centroid> = {
  AE: ["United Arab Emirates", 23.42, 53.85],
  AR: ["Argentina", -38.42, -63.62],
  AT: ["Austria", 47.52, 14.55],
  AU: ["Australia", -25.27, 133.78],
  BE: ["Belgium", 50.5, 4.47],
  BH: ["Bahrain", 25.93, 50.64],
  BR: ["Brazil", -14.24, -51.93],
  CA: ["Canada", 56.13, -106.35],
  CH: ["Switzerland", 46.82, 8.23],
  CL: ["Chile", -35.68, -71.54],
  CN: ["China", 35.86, 104.2],
  CO: ["Colombia", 4.57, -74.3],
  CZ: ["Czechia", 49.82, 15.47],
  DE: ["Germany", 51.17, 10.45],
  DK: ["Denmark", 56.26, 9.5],
  EG: ["Egypt", 26.82, 30.8],
  ES: ["Spain", 40.46, -3.75],
  FI: ["Finland", 61.92, 25.75],
  FR: ["France", 46.23, 2.21],
  GB: ["United Kingdom", 55.38, -3.44],
  GR: ["Greece", 39.07, 21.82],
  HK: ["Hong Kong", 22.4, 114.11],
  HU: ["Hungary", 47.16, 19.5],
  ID: ["Indonesia", -0.79, 113.92],
  IE: ["Ireland", 53.41, -8.24],
  IL: ["Israel", 31.05, 34.85],
  IN: ["India", 20.59, 78.96],
  IS: ["Iceland", 64.96, -19.02],
  IT: ["Italy", 41.87, 12.57],
  JP: ["Japan", 36.2, 138.25],
  KE: ["Kenya", -0.02, 37.91],
  KR: ["South Korea", 35.91, 127.77],
  KW: ["Kuwait", 29.31, 47.48],
  MA: ["Morocco", 31.79, -7.09],
  MX: ["Mexico", 23.63, -102.55],
  MY: ["Malaysia", 4.21, 101.98],
  NG: ["Nigeria", 9.08, 8.68],
  NL: ["Netherlands", 52.13, 5.29],
  NO: ["Norway", 60.47, 8.47],
  NZ: ["New Zealand", -40.9, 174.89],
  OM: ["Oman", 21.51, 55.92],
  PH: ["Philippines", 12.88, 121.77],
  PL: ["Poland", 51.92, 19.15],
  PT: ["Portugal", 39.4, -8.22],
  QA: ["Qatar", 25.35, 51.18],
  RO: ["Romania", 45.94, 24.97],
  RU: ["Russia", 61.52, 105.32],
  SA: ["Saudi Arabia", 23.89, 45.08],
  SE: ["Sweden", 60.13, 18.64],
  SG: ["Singapore", 1.35, 103.82],
  TH: ["Thailand", 15.87, 100.99],
  TR: ["Türkiye", 38.96, 35.24],
  TW: ["Taiwan", 23.7, 120.96],
  UA: ["Ukraine", 48.38, 31.17],
  US: ["United States", 37.09, -95.71],
  VN: ["Vietnam", 14.06, 108.28],
  ZA: ["South Africa", -30.56, 22.94],
};

const REGIONS: Record<string, Record<string, Centroid>> = { US: US_STATES, GB: UK_NATIONS };

function region(country: string, state: string): Centroid | undefined {
  const table = REGIONS[country];
  if (!table) return undefined;
  const wanted = state.trim().toLowerCase();
  return Object.entries(table).find(
    ([code, [name]]) => code.toLowerCase() === wanted || name.toLowerCase() === wanted,
  )?.[1];
}

/** Where to draw a location: its own coordinates, else a region or country centroid, else nowhere. */
export function place(location: LocationLike): Placement {
  const where = [location.city, location.state, location.country].filter(Boolean).join(", ");
  if (location.latitude != null && location.longitude != null) {
    return { kind: "exact", lat: location.latitude, lon: location.longitude, label: where };
  }
  const country = (location.country ?? "").toUpperCase();
  const byRegion = location.state ? region(country, location.state) : undefined;
  if (byRegion) {
    return { kind: "approximate", lat: byRegion[1], lon: byRegion[2], label: `centre of ${byRegion[0]}` };
  }
  const byCountry = COUNTRIES[country];
  if (byCountry) {
    return { kind: "approximate", lat: byCountry[1], lon: byCountry[2], label: `centre of ${byCountry[0]}` };
  }
  return { kind: "none", label: where || "no location in the data" };
}

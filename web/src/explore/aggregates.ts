/**
 * The dashboard's questions: one GraphQL request per chart, each answered by the API's aggregates
 * (docs/aggregates.md) or its rankings, in the one statement the API compiles per root field.
 * Nothing is summed here: the charts draw the API's figures as they come.
 */

import { graphql } from "./api";

/** Amounts of one qualifier, kept apart: an "up to" ceiling is never added to an exact amount. */
export interface QualifierFigures {
  qualifier: string;
  /** Deals whose value carries this qualifier (undisclosed ones have no amount). */
  items: number;
  /** Deals with an amount. */
  count: number;
  sum: number | null;
}
export interface StatusGroup {
  key: { status: string | null };
  count: number;
  valueUsd: { byQualifier: QualifierFigures[] };
}
export interface MoneyByStatus {
  partnerships: { totalCount: number; groupBy: StatusGroup[] };
}
export const MONEY_BY_STATUS = `query DashboardMoneyByStatus($asOf: Date) {
  partnerships(asOf: $asOf) {
    totalCount
    groupBy(by: [STATUS], first: 20) {
      key { status } count valueUsd { byQualifier { qualifier items count sum } }
    }
  }
}`;

export interface MonthGroup {
  key: { announcedOnMonth: string | null };
  count: number;
}
export interface DealsPerMonth {
  partnerships: { totalCount: number; groupBy: MonthGroup[] };
}
/** The latest 100 months (the API's most groups per request), newest first; undated deals last. */
export const DEALS_PER_MONTH = `query DashboardDealsPerMonth($where: PartnershipWhere, $asOf: Date) {
  partnerships(where: $where, asOf: $asOf) {
    totalCount
    groupBy(by: [ANNOUNCED_ON_MONTH], orderBy: {field: KEY, direction: DESC}, first: 100) {
      key { announcedOnMonth } count
    }
  }
}`;

export type HubRanking = "LARGEST_MONEY_HUBS" | "MOST_DEPENDED_ON_SUPPLIERS";
export const HUB_RANKINGS: Record<HubRanking, string> = {
  LARGEST_MONEY_HUBS: "Money moving through it (US$)",
  MOST_DEPENDED_ON_SUPPLIERS: "Companies it supplies",
};
export interface Hubs {
  rankings: { rank: number; score: number; company: { id: string; name: string } }[];
}
export const HUBS = `query DashboardHubs($by: RankingKind! = LARGEST_MONEY_HUBS, $asOf: Date) {
  rankings(by: $by, first: 12, asOf: $asOf) { rank score company { id name } }
}`;

export interface CountryGroup {
  key: { country: string | null };
  count: number;
  powerMw: { count: number; sum: number | null };
}
export interface CapacityByCountry {
  facilities: {
    totalCount: number;
    aggregate: { powerMw: { count: number; sum: number | null } };
    groupBy: CountryGroup[];
  };
}
export const CAPACITY_BY_COUNTRY = `query DashboardCapacityByCountry($asOf: Date) {
  facilities(asOf: $asOf) {
    totalCount
    aggregate { powerMw { count sum } }
    groupBy(by: [COUNTRY], orderBy: {field: POWER_MW_SUM, direction: DESC}, first: 15) {
      key { country } count powerMw { count sum }
    }
  }
}`;

export const moneyByStatus = (asOf?: string): Promise<MoneyByStatus> =>
  graphql<MoneyByStatus>(MONEY_BY_STATUS, { asOf });

/** Deals per month, announced in or after `since` (YYYY-MM) when given. */
export const dealsPerMonth = (since?: string, asOf?: string): Promise<DealsPerMonth> =>
  graphql<DealsPerMonth>(DEALS_PER_MONTH, {
    where: since ? { announcedOn: { gte: `${since}-01` } } : null,
    asOf,
  });

export const hubs = (by: HubRanking, asOf?: string): Promise<Hubs> => graphql<Hubs>(HUBS, { by, asOf });

export const capacityByCountry = (asOf?: string): Promise<CapacityByCountry> =>
  graphql<CapacityByCountry>(CAPACITY_BY_COUNTRY, { asOf });

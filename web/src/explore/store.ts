/** The entities read so far, by id: each is asked for once, with the query for its type. */

import { graphql } from "./api";
import { ENTITY_QUERIES, TYPE_OF, type Entity, type EntityType } from "./queries";

const ENTITY_TYPES: readonly string[] = ["Company", "Person", "Facility", "Partnership"];

export class Store {
  private readonly types = new Map<string, EntityType>();
  private readonly entities = new Map<string, Promise<Entity | null>>();
  private date: string | undefined;

  /** Read entities as of this date (none: today); what was read for another date is forgotten. */
  set asOf(date: string | undefined) {
    if (date !== this.date) this.entities.clear();
    this.date = date;
  }

  get asOf(): string | undefined {
    return this.date;
  }

  /** Remember a type learnt elsewhere (a search hit, a drawn node), saving a request. */
  know(id: string, type: EntityType): void {
    this.types.set(id, type);
  }

  known(id: string): EntityType | undefined {
    return this.types.get(id);
  }

  /** The entity's type, asked of the API when not known; null for an unknown id. */
  async typeOf(id: string): Promise<EntityType | null> {
    const known = this.types.get(id);
    if (known) return known;
    const data = await graphql<{ node: { __typename: string } | null }>(TYPE_OF, { id });
    const type = data.node?.__typename;
    if (!type || !ENTITY_TYPES.includes(type)) return null;
    this.types.set(id, type as EntityType);
    return type as EntityType;
  }

  /** The entity with its details and neighbourhood; null for an unknown id. */
  load(id: string): Promise<Entity | null> {
    let entity = this.entities.get(id);
    if (!entity) {
      entity = (async () => {
        const type = await this.typeOf(id);
        if (!type) return null;
        const data = await graphql<{ entity: Entity | null }>(ENTITY_QUERIES[type], { id, asOf: this.date });
        return data.entity;
      })();
      entity.catch(() => this.entities.delete(id)); // a failed read is tried again next time
      this.entities.set(id, entity);
    }
    return entity;
  }
}

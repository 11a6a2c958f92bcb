import type { ColumnType } from 'kysely';

type CreatedAt = ColumnType<string, string, never>;

/**
 * Placement tables. Providers are keyed by their UUID (Placement's internal integer ids
 * buy nothing here). Standard resource classes and traits live in code
 * (src/placement/standards); only CUSTOM_* names are rows.
 */
export interface PlacementTables {
  resource_providers: ResourceProviderTable;
  resource_provider_inventories: InventoryTable;
  resource_provider_traits: ProviderTraitTable;
  resource_provider_aggregates: ProviderAggregateTable;
  allocations: AllocationTable;
  consumers: ConsumerTable;
  custom_resource_classes: CustomResourceClassTable;
  custom_traits: CustomTraitTable;
}

export interface ResourceProviderTable {
  uuid: string;
  name: string;
  /** Bumped by every change to the provider, its inventories, traits, aggregates or allocations. */
  generation: number;
  parent_uuid: string | null;
  /** The top of the provider's tree (itself when it has no parent). */
  root_uuid: string;
  created_at: CreatedAt;
  updated_at: string;
}

export interface InventoryTable {
  provider_uuid: string;
  resource_class: string;
  total: number;
  reserved: number;
  min_unit: number;
  max_unit: number;
  step_size: number;
  allocation_ratio: number;
}

export interface ProviderTraitTable {
  provider_uuid: string;
  trait: string;
}

export interface ProviderAggregateTable {
  provider_uuid: string;
  aggregate_uuid: string;
}

/** One row per consumer, provider and resource class. */
export interface AllocationTable {
  consumer_id: string;
  provider_uuid: string;
  resource_class: string;
  used: number;
}

/** A consumer exists while it holds allocations; its generation guards concurrent writers (1.28). */
export interface ConsumerTable {
  uuid: string;
  project_id: string;
  user_id: string;
  generation: number;
  /** Placement 1.38 consumer type (INSTANCE, MIGRATION, ...); null means unknown. */
  consumer_type: string | null;
  created_at: CreatedAt;
  updated_at: string;
}

export interface CustomResourceClassTable {
  name: string;
  created_at: CreatedAt;
}

export interface CustomTraitTable {
  name: string;
  created_at: CreatedAt;
}

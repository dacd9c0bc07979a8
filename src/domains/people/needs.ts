/**
 * What a person came for, as helpdesk staff pick it on the intake form. Each need points at the directory's
 * categories (`arrival-categories` terms) where services that meet it are listed, so a referral starts from
 * the right part of the directory.
 */
export const NEEDS = {
  legal: ['legal-aid'],
  health: ['health'],
  mental_health: ['mental-health', 'health'],
  housing: ['housing', 'emergency'],
  food: ['food', 'essentials'],
  essentials: ['essentials', 'food'],
  language: ['language-classes'],
  work: ['work'],
  education: ['education', 'children-families'],
  children: ['children-families', 'education'],
  safety: ['emergency', 'women', 'lgbtiq'],
  connectivity: ['connectivity'],
  orientation: ['welcome'],
  other: [],
} as const satisfies Record<string, readonly string[]>;

export type Need = keyof typeof NEEDS;
export const NEED_CODES = Object.keys(NEEDS) as Need[];

/** Flags that put a person first in the queue; they are personal data like the rest. */
export const URGENCY_FLAGS = ['safety', 'health', 'children'] as const;
export type UrgencyFlag = (typeof URGENCY_FLAGS)[number];

/** Where a need stands for the organisation that recorded it. */
export const NEED_STATUSES = ['open', 'referred', 'met', 'closed'] as const;
export type NeedStatus = (typeof NEED_STATUSES)[number];

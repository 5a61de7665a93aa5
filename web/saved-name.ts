/** The `localStorage` key of the display name. */
export const NAME_KEY = 'apigw-chat:name';

/** The part of `Storage` the page uses. */
export type NameStorage = Pick<Storage, 'getItem' | 'setItem'>;

/**
 * The display name typed on the page, kept across reloads in `localStorage`. Storage that
 * throws (disabled, full, private mode) is ignored: the name is then simply not kept.
 *
 * @example
 * const saved = new SavedName(window.localStorage);
 * saved.save('Ann');
 * saved.load(); // 'Ann'
 */
export class SavedName {
  constructor(private readonly storage: NameStorage | undefined) {}

  /** The saved name, or undefined. */
  load(): string | undefined {
    try {
      const name = this.storage?.getItem(NAME_KEY)?.trim();
      return name ? name : undefined;
    } catch {
      return undefined;
    }
  }

  /** Saves a non-blank name. */
  save(name: string): void {
    const trimmed = name.trim();
    if (trimmed === '') return;
    try {
      this.storage?.setItem(NAME_KEY, trimmed);
    } catch {
      // not kept: the page works the same without it
    }
  }
}

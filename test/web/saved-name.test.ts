import { NAME_KEY, type NameStorage, SavedName } from '../../web/saved-name';

/** A `localStorage` stand-in. */
function memoryStorage(): NameStorage & { readonly items: Map<string, string> } {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, value),
  };
}

describe('Class: SavedName', () => {
  it('keeps a name, trimmed, for the next page load', () => {
    // Prepare
    const storage = memoryStorage();

    // Act
    new SavedName(storage).save('  Ann Lee ');

    // Assess
    expect(storage.items.get(NAME_KEY)).toBe('Ann Lee');
    expect(new SavedName(storage).load()).toBe('Ann Lee');
  });

  it('neither saves a blank name nor loads one', () => {
    // Prepare
    const storage = memoryStorage();
    const saved = new SavedName(storage);

    // Act
    saved.save('   ');

    // Assess
    expect(storage.items.size).toBe(0);
    expect(saved.load()).toBeUndefined();
  });

  it('works without storage, or with storage that throws', () => {
    // Prepare
    const throwing: NameStorage = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    };

    // Act & Assess
    for (const saved of [new SavedName(undefined), new SavedName(throwing)]) {
      expect(() => saved.save('Ann')).not.toThrow();
      expect(saved.load()).toBeUndefined();
    }
  });
});

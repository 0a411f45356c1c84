#pragma once
/**
 * TF 2's seed rules for the stateful random ops, as TF's eager runtime applies them (random_seed.py's get_seed,
 * context.py's op seeds, GuardedPhiloxRandom and the eager kernel cache), so that a seeded program draws TF's
 * numbers:
 *  - neither seed: a fresh random key and counter;
 *  - a global seed g only: the op seed is the next randint(0, 2**31 - 1) of Python's random.Random(g), as TF's
 *    context draws it; seeds (g mod 2**31 - 1, op seed mod 2**31 - 1);
 *  - an op seed s: seeds (g mod 2**31 - 1, s mod 2**31 - 1), g TF's default 87654321 when unset;
 *  - seeds (0, 0) become (0, 2**31 - 1), as in TF.
 * Seeds (s1, s2) name TF's Philox stream: key s1, counter [0, s2]. Like TF's cached kernel of one op, dtypes and
 * seeds, each op seed's stream is shared by that op's calls: a call reserves 256 blocks an output (reserve_seed), so
 * a repeated call draws on. set_global_seed restarts every stream, as TF clears its kernel cache.
 *
 * A RandomSeed packs them: seed = s1 | s2 << 32 (both below 2**31 when seeded), counter = the call's block offset,
 * or kUnreserved until the op reserves it.
 */
#include <cstdint>
#include <optional>

#include "ops.h"

namespace pt::ops {

/** A seed as Python gives it: any integer from -2**63 to 2**64 - 1, kept exactly. */
struct Seed {
  uint64_t bits = 0;      // the seed modulo 2**64
  bool negative = false;  // below 0 (-1 and 2**64 - 1 share bits but are different seeds)
};

/** RandomSeed::counter of a seeded call whose op has not yet reserved its blocks (reserve_seed). */
constexpr uint64_t kUnreserved = ~uint64_t{0};

/** Sets the global seed (nullopt clears it) and restarts every seeded stream and the op seeds. Thread-safe. */
void set_global_seed(std::optional<Seed> seed);
/** The global seed; nullopt when unset. */
std::optional<Seed> global_seed();
/** The seeds of the next random op call with op-level seed `op_seed` (TF's get_seed): counter kUnreserved for an
 *  op seed, block 0 for the global seed alone (a fresh kernel), a fresh key at block 0 for neither. Thread-safe. */
RandomSeed resolve_seed(std::optional<Seed> op_seed);
/**
 * The seed a call of op `op` (TF's kernel of that op and dtypes `dtype`, `dtype2`) draws with: `seed` itself when
 * reserved, else the next `blocks` blocks of the stream of that kernel and seeds. Thread-safe.
 */
RandomSeed reserve_seed(const RandomSeed& seed, OpId op, DType dtype, DType dtype2, uint64_t blocks);
/**
 * The seeds a traced call drawn with `earlier` takes on a later run, as an eager call at that point would: the same
 * op seed (its kernel's stream draws on) or, for a global seed alone, the next op seed; nullopt for a fresh key or
 * seeds set_global_seed has since restarted. A traced graph's random ops draw this way on every run, so that a
 * program draws the same numbers whether its steps run eagerly or as graphs. Thread-safe.
 */
std::optional<RandomSeed> next_seed_of_stream(const RandomSeed& earlier);

/** Blocks of the stream a stateful TF op reserves for each output (its ReserveRandomOutputs multiplier). */
constexpr uint64_t kBlocksPerOutput = 256;

}  // namespace pt::ops

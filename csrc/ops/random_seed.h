#pragma once
/**
 * TF 2's seed rules (tf.random.set_seed's documentation), resolved in C++ on every random op call: the global
 * seed and an op-level seed become the Philox key and counter of that call.
 *  - neither seed: a fresh key from a process-wide generator (reseeded in forked children), counter 0;
 *  - a global seed only: the n-th such call since set_global_seed takes counter n of a key made from the
 *    global seed, so a program re-run after set_seed draws the same numbers;
 *  - an op seed, with the global seed (TF's default 87654321 when unset): the pair names a stream whose calls
 *    take counters 0, 1, ...; set_global_seed restarts every stream.
 */
#include <cstdint>
#include <optional>

#include "ops.h"

namespace pt::ops {

/** A seed as Python gives it: any integer from -2**63 to 2**64 - 1, kept exactly. */
struct Seed {
  uint64_t bits = 0;      // the seed modulo 2**64: what the Philox key is made from
  bool negative = false;  // below 0 (-1 and 2**64 - 1 share bits but are different seeds)
};

/** Sets the global seed (nullopt clears it) and restarts every seeded stream. Thread-safe. */
void set_global_seed(std::optional<Seed> seed);
/** The global seed; nullopt when unset. */
std::optional<Seed> global_seed();
/** The key and counter of the next call of a random op with op-level seed `op_seed`. Thread-safe. */
RandomSeed resolve_seed(std::optional<Seed> op_seed);
/**
 * The next call's key and counter on the seeded stream `earlier` was drawn from (the global seed's, or an op
 * seed's under the current global seed), as resolve_seed would give it; nullopt for a fresh key or a stream that
 * set_global_seed has since restarted. A traced graph's random ops draw this way on every run, so that a program
 * draws the same numbers whether its steps run eagerly or as graphs. Thread-safe.
 */
std::optional<RandomSeed> next_seed_of_stream(const RandomSeed& earlier);

}  // namespace pt::ops

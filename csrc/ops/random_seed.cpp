// The seed state of the random family: the global seed, the counter of unseeded calls under it, the streams
// of op-level seeds and the generator of fresh keys, behind one mutex (random ops run outside the GIL too).
#include "random_seed.h"

#include <pthread.h>

#include <map>
#include <mutex>
#include <random>
#include <tuple>

namespace pt::ops {

namespace {

// TF uses this global seed when only an op seed is given.
constexpr uint64_t kDefaultGlobalSeed = 87654321;
// Mixed into the key of counter-assigned streams so they never alias an explicit op seed's stream.
constexpr uint64_t kAutoStreamSalt = 0x5DEECE66D;

/** splitmix64's finalizer: spreads nearby seeds (1, 2, 3...) over unrelated Philox keys. */
uint64_t mix64(uint64_t x) {
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

/** The stream of one (global seed, op seed) pair: its key and the calls made so far. */
struct Stream {
  uint64_t key;
  uint64_t calls;
};

using StreamId = std::tuple<uint64_t, bool, uint64_t, bool>;  // global seed, op seed (bits, negative)

struct SeedState {
  std::mutex mutex;
  std::optional<Seed> global;
  uint64_t unseeded_calls = 0;  // counter of the next unseeded call under the global seed
  std::map<StreamId, Stream> streams;
  std::mt19937_64 fresh;        // keys of calls with neither seed

  void reseed_fresh() {
    std::random_device device;
    std::seed_seq seq{device(), device(), device(), device(), device(), device(), device(), device()};
    fresh.seed(seq);
  }
};

SeedState& state();

/** Forked children reseed their fresh keys, so that workers do not repeat their parent's numbers. */
void lock_for_fork() { state().mutex.lock(); }
void unlock_in_parent() { state().mutex.unlock(); }
void unlock_and_reseed_in_child() {
  state().reseed_fresh();
  state().mutex.unlock();
}

// Leaked on purpose: random ops may run in threads that outlive static destruction.
SeedState& state() {
  static SeedState* s = [] {
    auto* created = new SeedState();
    created->reseed_fresh();
    pthread_atfork(&lock_for_fork, &unlock_in_parent, &unlock_and_reseed_in_child);
    return created;
  }();
  return *s;
}

}  // namespace

void set_global_seed(std::optional<Seed> seed) {
  SeedState& s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  s.global = seed;
  s.unseeded_calls = 0;
  s.streams.clear();
}

std::optional<Seed> global_seed() {
  SeedState& s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  return s.global;
}

RandomSeed resolve_seed(std::optional<Seed> op_seed) {
  SeedState& s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  if (!op_seed) {
    if (!s.global) return {s.fresh(), 0};
    return {mix64(mix64(s.global->bits) ^ kAutoStreamSalt), s.unseeded_calls++};
  }
  const Seed global = s.global.value_or(Seed{kDefaultGlobalSeed, false});
  auto it = s.streams.try_emplace(StreamId{global.bits, global.negative, op_seed->bits, op_seed->negative},
                                  Stream{mix64(mix64(global.bits) ^ op_seed->bits), 0}).first;
  return {it->second.key, it->second.calls++};
}

std::optional<RandomSeed> next_seed_of_stream(const RandomSeed& earlier) {
  SeedState& s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  if (s.global && earlier.seed == mix64(mix64(s.global->bits) ^ kAutoStreamSalt)) return RandomSeed{earlier.seed, s.unseeded_calls++};
  for (auto& [id, stream] : s.streams)
    if (stream.key == earlier.seed) return RandomSeed{stream.key, stream.calls++};
  return std::nullopt;
}

}  // namespace pt::ops

// The seed state of the random family: the global seed, the op seeds drawn from it, the streams of TF's cached
// kernels and the generator of fresh keys, behind one mutex (random ops run outside the GIL too).
#include "random_seed.h"

#include <pthread.h>

#include <map>
#include <mutex>
#include <random>
#include <set>
#include <tuple>

namespace pt::ops {

namespace {

// TF's global seed when only an op seed is given (random_seed.DEFAULT_GRAPH_SEED).
constexpr uint64_t kDefaultGlobalSeed = 87654321;
// TF takes both seeds modulo 2**31 - 1 (random_seed._MAXINT32).
constexpr uint64_t kMaxInt32 = 0x7FFFFFFF;

/** Python's `seed % (2**31 - 1)` (never negative). */
uint64_t truncate_seed(const Seed& s) {
  if (!s.negative) return s.bits % kMaxInt32;
  const int64_t r = static_cast<int64_t>(s.bits) % static_cast<int64_t>(kMaxInt32);
  return static_cast<uint64_t>(r < 0 ? r + static_cast<int64_t>(kMaxInt32) : r);
}

/**
 * Python's random.Random(n) seeding (init_by_array of |n|'s 32-bit words, low first) as a seed sequence of
 * std::mt19937, which then draws Python's numbers (the same MT19937 from the same state).
 */
struct PythonSeeding {
  using result_type = uint32_t;
  uint64_t magnitude;

  template <class It> void generate(It begin, It end) const {
    constexpr int n = 624;
    uint32_t mt[n];
    mt[0] = 19650218u;
    for (int i = 1; i < n; ++i) mt[i] = 1812433253u * (mt[i - 1] ^ (mt[i - 1] >> 30)) + static_cast<uint32_t>(i);
    const uint32_t key[2] = {static_cast<uint32_t>(magnitude), static_cast<uint32_t>(magnitude >> 32)};
    const int length = magnitude >> 32 ? 2 : 1;
    int i = 1, j = 0;
    for (int k = n; k > 0; --k) {
      mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) * 1664525u)) + key[j] + static_cast<uint32_t>(j);
      if (++i >= n) mt[0] = mt[n - 1], i = 1;
      if (++j >= length) j = 0;
    }
    for (int k = n - 1; k > 0; --k) {
      mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) * 1566083941u)) - static_cast<uint32_t>(i);
      if (++i >= n) mt[0] = mt[n - 1], i = 1;
    }
    mt[0] = 0x80000000u;
    std::copy(mt, mt + std::min<ptrdiff_t>(n, end - begin), begin);
  }
};

/** The stream of one TF kernel: its op, dtypes and packed seeds. */
using KernelId = std::tuple<OpId, DType, DType, uint64_t>;

struct SeedState {
  std::mutex mutex;
  std::optional<Seed> global;
  std::mt19937 op_seeds;                      // Python's random.Random(global seed): TF's eager op seeds
  std::set<uint64_t> op_seeded;               // packed seeds of op seeds given since set_global_seed
  std::map<KernelId, uint64_t> next_block;    // the next free block of each op seed's kernels
  std::mt19937_64 fresh;                      // keys of calls with neither seed

  void reseed_fresh() {
    std::random_device device;
    std::seed_seq seq{device(), device(), device(), device(), device(), device(), device(), device()};
    fresh.seed(seq);
  }

  /** TF's get_seed with global seed `g` and op seed `op` (already truncated), packed. */
  static uint64_t packed(const Seed& g, uint64_t op) {
    const uint64_t s1 = truncate_seed(g), s2 = s1 == 0 && op == 0 ? kMaxInt32 : op;
    return s1 | s2 << 32;
  }

  /**
   * The seeds of a call under the global seed alone: the next op seed, randint(0, 2**31 - 1) of Python's
   * random.Random(global seed) (32-bit draws below 2**31, as _randbelow), as TF's context draws it. Its kernel is
   * fresh, so the call starts at block 0 and nothing is kept (TF would go on with a kernel whose drawn op seed
   * repeats an earlier one, a chance of 2**-31 a pair of calls).
   */
  RandomSeed next_global_only() {
    uint32_t r;
    do r = static_cast<uint32_t>(op_seeds()); while (r >> 31);
    return {packed(*global, r % kMaxInt32), 0};
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
  if (seed) {
    PythonSeeding seeding{seed->negative ? uint64_t{0} - seed->bits : seed->bits};
    s.op_seeds.seed(seeding);
  }
  s.op_seeded.clear();
  s.next_block.clear();
}

std::optional<Seed> global_seed() {
  SeedState& s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  return s.global;
}

RandomSeed resolve_seed(std::optional<Seed> op_seed) {
  SeedState& s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  if (op_seed) {
    const uint64_t seeds = SeedState::packed(s.global.value_or(Seed{kDefaultGlobalSeed, false}), truncate_seed(*op_seed));
    s.op_seeded.insert(seeds);
    return {seeds, kUnreserved};
  }
  if (s.global) return s.next_global_only();
  return {s.fresh(), 0};
}

RandomSeed reserve_seed(const RandomSeed& seed, OpId op, DType dtype, DType dtype2, uint64_t blocks) {
  if (seed.counter != kUnreserved) return seed;
  SeedState& s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  uint64_t& next = s.next_block[KernelId{op, dtype, dtype2, seed.seed}];
  const RandomSeed reserved{seed.seed, next};
  next += blocks;
  return reserved;
}

std::optional<RandomSeed> next_seed_of_stream(const RandomSeed& earlier) {
  SeedState& s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  if (s.op_seeded.count(earlier.seed)) return RandomSeed{earlier.seed, kUnreserved};
  // the global seed's s1 (a fresh key shares it by a chance of 2**-32, and then draws the global seed's numbers)
  if (s.global && (earlier.seed & 0xFFFFFFFFu) == truncate_seed(*s.global)) return s.next_global_only();
  return std::nullopt;
}

}  // namespace pt::ops

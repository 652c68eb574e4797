// LatencyHistogram (histogram.h).
#include "histogram.h"

#include <algorithm>
#include <cstring>

namespace chatbench {

int LatencyHistogram::IndexOf(uint64_t v) {
  if (v < (1u << kSubBits)) return static_cast<int>(v);
  int msb = 63 - __builtin_clzll(v);
  int e = msb - (kSubBits - 1);  // >= 1
  int index = e * kHalf + static_cast<int>(v >> e);
  return std::min(index, kBuckets - 1);
}

uint64_t LatencyHistogram::LowerBound(int index) {
  if (index < (1 << kSubBits)) return static_cast<uint64_t>(index);
  int e = index / kHalf - 1;
  uint64_t m = static_cast<uint64_t>(index - e * kHalf);
  return m << e;
}

void LatencyHistogram::Record(int64_t ns) {
  uint64_t v = ns < 0 ? 0 : static_cast<uint64_t>(ns);
  ++buckets_[IndexOf(v)];
  ++count_;
  sum_ += v;
  if (static_cast<int64_t>(v) > max_) max_ = static_cast<int64_t>(v);
  if (static_cast<int64_t>(v) < min_) min_ = static_cast<int64_t>(v);
}

void LatencyHistogram::Reset() {
  memset(buckets_, 0, sizeof buckets_);
  count_ = 0;
  max_ = 0;
  min_ = INT64_MAX;
  sum_ = 0;
}

void LatencyHistogram::Merge(const LatencyHistogram& other) {
  for (int i = 0; i < kBuckets; ++i) buckets_[i] += other.buckets_[i];
  count_ += other.count_;
  sum_ += other.sum_;
  max_ = std::max(max_, other.max_);
  min_ = std::min(min_, other.min_);
}

int64_t LatencyHistogram::Quantile(double q) const {
  if (count_ == 0) return 0;
  q = std::clamp(q, 0.0, 1.0);
  uint64_t rank = static_cast<uint64_t>(q * static_cast<double>(count_));
  if (rank >= count_) rank = count_ - 1;
  uint64_t seen = 0;
  for (int i = 0; i < kBuckets; ++i) {
    seen += buckets_[i];
    if (seen > rank) {
      uint64_t lo = LowerBound(i);
      uint64_t hi = i + 1 < kBuckets ? LowerBound(i + 1) : lo;
      int64_t mid = static_cast<int64_t>(lo + (hi - lo) / 2);
      return std::min(mid, max_);
    }
  }
  return max_;
}

}  // namespace chatbench

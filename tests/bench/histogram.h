// LatencyHistogram: a fixed-size log-linear histogram of nanosecond values
// (HdrHistogram's bucketing, 128 sub-buckets per power of two, so a
// reported percentile is within 1/64 of the true value). Recording is O(1)
// and never allocates; the whole object is a flat array.
#ifndef CHATBENCH_HISTOGRAM_H_
#define CHATBENCH_HISTOGRAM_H_

#include <cstdint>

namespace chatbench {

class LatencyHistogram {
 public:
  LatencyHistogram() { Reset(); }

  // Adds one value in ns. Negative values count as 0; values beyond about
  // 2^40 ns (18 minutes) land in the last bucket.
  void Record(int64_t ns);
  // Forgets everything recorded.
  void Reset();
  // Adds every value recorded in `other`.
  void Merge(const LatencyHistogram& other);

  uint64_t count() const { return count_; }
  int64_t max() const { return max_; }
  int64_t min() const { return count_ == 0 ? 0 : min_; }
  double mean() const { return count_ == 0 ? 0.0 : static_cast<double>(sum_) / count_; }
  // The value below which fraction `q` (0..1) of the recorded values fall,
  // in ns (the midpoint of that bucket, clamped to max()); 0 when empty.
  int64_t Quantile(double q) const;

 private:
  static constexpr int kSubBits = 7;
  static constexpr int kHalf = 1 << (kSubBits - 1);  // 64
  static constexpr int kBuckets = (41 - kSubBits + 2) * kHalf;
  static int IndexOf(uint64_t v);
  static uint64_t LowerBound(int index);

  uint64_t buckets_[kBuckets];
  uint64_t count_;
  int64_t max_;
  int64_t min_;
  __int128 sum_;
};

}  // namespace chatbench

#endif  // CHATBENCH_HISTOGRAM_H_

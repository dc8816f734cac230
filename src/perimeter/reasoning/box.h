// Boxes over the free condition keys of a policy: for each key, a set of candidate indexes (see
// key_domain.h). A statement's conditions are a box (conditions on different keys are ANDed, and
// each key's conditions pick a set of its candidates); a union of Allow boxes minus a union of Deny
// boxes is the exact set of contexts the policy allows, kept as a list of disjoint boxes.
#ifndef PERIMETER_REASONING_BOX_H_
#define PERIMETER_REASONING_BOX_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace perimeter::reasoning {

// A set of candidate indexes of one key, as a bit set.
class CandidateSet {
 public:
  CandidateSet() = default;
  static CandidateSet All(size_t size);
  static CandidateSet None(size_t size);

  void Add(size_t index);
  bool Contains(size_t index) const;
  bool empty() const;
  bool full() const;
  size_t size() const { return size_; }
  // The smallest member. REQUIRES: !empty().
  size_t First() const;

  CandidateSet Intersect(const CandidateSet& other) const;
  CandidateSet Minus(const CandidateSet& other) const;
  CandidateSet Union(const CandidateSet& other) const;
  friend bool operator==(const CandidateSet&, const CandidateSet&) = default;

 private:
  size_t size_ = 0;
  std::vector<uint64_t> bits_;
};

// One candidate set per key; a box with an empty set on any key is empty.
using Box = std::vector<CandidateSet>;

bool IsEmpty(const Box& box);

// a ∩ b.
Box Intersect(const Box& a, const Box& b);

// a − b as disjoint non-empty boxes (at most one per key).
std::vector<Box> Subtract(const Box& a, const Box& b);

// Every box of `from` minus every box of `holes`, as disjoint non-empty boxes.
std::vector<Box> SubtractAll(std::vector<Box> from, const std::vector<Box>& holes);

}  // namespace perimeter::reasoning

#endif  // PERIMETER_REASONING_BOX_H_

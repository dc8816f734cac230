#include "perimeter/reasoning/box.h"

#include <cassert>

namespace perimeter::reasoning {

CandidateSet CandidateSet::All(size_t size) {
  CandidateSet set = None(size);
  for (size_t i = 0; i < size; ++i) set.Add(i);
  return set;
}

CandidateSet CandidateSet::None(size_t size) {
  CandidateSet set;
  set.size_ = size;
  set.bits_.assign((size + 63) / 64, 0);
  return set;
}

void CandidateSet::Add(size_t index) {
  assert(index < size_);  // indexes come from the same key's candidate list
  bits_[index / 64] |= uint64_t{1} << (index % 64);
}

bool CandidateSet::Contains(size_t index) const {
  return index < size_ && ((bits_[index / 64] >> (index % 64)) & 1);
}

bool CandidateSet::empty() const {
  for (uint64_t word : bits_) {
    if (word != 0) return false;
  }
  return true;
}

bool CandidateSet::full() const { return *this == All(size_); }

size_t CandidateSet::First() const {
  for (size_t w = 0; w < bits_.size(); ++w) {
    if (bits_[w] != 0) return w * 64 + static_cast<size_t>(__builtin_ctzll(bits_[w]));
  }
  assert(false && "First() of an empty set");
  return size_;
}

CandidateSet CandidateSet::Intersect(const CandidateSet& other) const {
  CandidateSet out = *this;
  for (size_t w = 0; w < bits_.size(); ++w) out.bits_[w] &= other.bits_[w];
  return out;
}

CandidateSet CandidateSet::Minus(const CandidateSet& other) const {
  CandidateSet out = *this;
  for (size_t w = 0; w < bits_.size(); ++w) out.bits_[w] &= ~other.bits_[w];
  return out;
}

CandidateSet CandidateSet::Union(const CandidateSet& other) const {
  CandidateSet out = *this;
  for (size_t w = 0; w < bits_.size(); ++w) out.bits_[w] |= other.bits_[w];
  return out;
}

bool IsEmpty(const Box& box) {
  for (const CandidateSet& set : box) {
    if (set.empty()) return true;
  }
  return false;
}

Box Intersect(const Box& a, const Box& b) {
  Box out = a;
  for (size_t k = 0; k < a.size(); ++k) out[k] = a[k].Intersect(b[k]);
  return out;
}

std::vector<Box> Subtract(const Box& a, const Box& b) {
  if (IsEmpty(a)) return {};
  if (IsEmpty(Intersect(a, b))) return {a};
  // Peel off, key by key, the part of `a` outside `b` on that key; what remains lies inside b.
  std::vector<Box> out;
  Box rest = a;
  for (size_t k = 0; k < a.size(); ++k) {
    CandidateSet outside = rest[k].Minus(b[k]);
    if (!outside.empty()) {
      Box piece = rest;
      piece[k] = outside;
      out.push_back(std::move(piece));
    }
    rest[k] = rest[k].Intersect(b[k]);
  }
  return out;
}

std::vector<Box> SubtractAll(std::vector<Box> from, const std::vector<Box>& holes) {
  std::erase_if(from, [](const Box& box) { return IsEmpty(box); });
  for (const Box& hole : holes) {
    std::vector<Box> next;
    for (const Box& box : from) {
      for (Box& piece : Subtract(box, hole)) next.push_back(std::move(piece));
    }
    from = std::move(next);
    if (from.empty()) break;
  }
  return from;
}

}  // namespace perimeter::reasoning

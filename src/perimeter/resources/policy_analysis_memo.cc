#include "perimeter/resources/policy_analysis_memo.h"

#include <utility>

namespace perimeter::resources {

const PolicyAnalysisMemo::Entry *PolicyAnalysisMemo::Find(const std::string &key) const {
  auto it = entries_.find(key);
  return it == entries_.end() ? nullptr : &it->second;
}

void PolicyAnalysisMemo::Insert(std::string key, Entry entry) {
  if (capacity_ == 0) return;
  if (entries_.size() >= capacity_) entries_.clear();
  entries_.insert_or_assign(std::move(key), std::move(entry));
}

}  // namespace perimeter::resources

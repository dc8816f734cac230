#include "perimeter/reasoning/statement_table.h"

namespace perimeter::reasoning {

void StatementTable::Add(const eval::CompiledPolicy& compiled, const std::string& label,
                         bool gate) {
  if (first_ == nullptr) {
    first_ = &compiled.source();
  } else {
    // A second policy: the statements of both, copied once.
    if (merged_.statements.empty()) merged_ = *first_;
    merged_.statements.insert(merged_.statements.end(), compiled.source().statements.begin(),
                              compiled.source().statements.end());
  }
  for (size_t i = 0; i < compiled.statement_count(); ++i) {
    entries_.push_back(Entry{&compiled, i, gate, &label});
    statements_.push_back(&compiled.source().statements[i]);
  }
}

}  // namespace perimeter::reasoning

// Seeds a store with one ACCOUNT analyzer and many findings, for the benchmarks that measure the
// service or the server over a store the size of the targets (access_preview_benchmark,
// server_load_benchmark). Each benchmark says what its findings look like; this writes them.
#ifndef PERIMETER_BENCH_SEED_FINDINGS_H_
#define PERIMETER_BENCH_SEED_FINDINGS_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "perimeter/findings/finding_record.h"
#include "perimeter/store/store.h"

namespace perimeter::bench {

// When the seeded analyzer was created (2024-05-01T12:00:00Z); findings are dated from it.
inline absl::Time SeedTime() { return absl::FromUnixSeconds(1714564800); }

// Stores the ACTIVE ACCOUNT analyzer `analyzer_arn` (named "bench", of `account` in `region`) and
// the findings make(0) .. make(count - 1) for it, written in batches of 10,000. Errors are the
// store's.
inline absl::Status SeedFindings(store::Store& store, std::string_view analyzer_arn,
                                 std::string_view account, std::string_view region, size_t count,
                                 absl::FunctionRef<findings::FindingRecord(size_t)> make) {
  store::Analyzer analyzer;
  analyzer.arn = std::string(analyzer_arn);
  analyzer.account_id = std::string(account);
  analyzer.region = std::string(region);
  analyzer.name = "bench";
  analyzer.type = store::AnalyzerType::kAccount;
  analyzer.created_at = SeedTime();
  if (absl::Status status = store.PutAnalyzer(analyzer); !status.ok()) return status;
  std::vector<findings::FindingRecord> batch;
  for (size_t i = 0; i < count; ++i) {
    batch.push_back(make(i));
    if (batch.size() == 10000 || i + 1 == count) {
      if (absl::Status status = store.WriteFindings(analyzer.arn, batch, {}); !status.ok()) {
        return status;
      }
      batch.clear();
    }
  }
  return absl::OkStatus();
}

}  // namespace perimeter::bench

#endif  // PERIMETER_BENCH_SEED_FINDINGS_H_

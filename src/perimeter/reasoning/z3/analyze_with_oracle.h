// The engine with the Z3 oracle behind it ("the fast path where it applies, Z3 otherwise"). The
// finite-domain engine (external_access.h) decides nearly every policy; where it cannot — it
// refuses (a key read by operators of two types, too many classes, ...) or its cover check finds a
// gap — the oracle (cover_oracle.h) decides under a time budget:
//   - the engine refused and the oracle proves no external access at all: no finding;
//   - the cover check found a gap and the oracle proves the engine's other findings a cover: they
//   stand;
//   - otherwise the error finding stays, and says what the oracle found: an external request the
//     policy allows (so access is real and unreported), or why it could not decide (timeout, ...).
// The oracle's answers hold within the bounds listed in cover_oracle.h (printable strings, at most
// max_set_size values per multivalued key, ...).
#ifndef PERIMETER_REASONING_Z3_ANALYZE_WITH_ORACLE_H_
#define PERIMETER_REASONING_Z3_ANALYZE_WITH_ORACLE_H_

#include "perimeter/reasoning/external_access.h"
#include "perimeter/reasoning/z3/cover_oracle.h"

namespace perimeter::reasoning::z3 {

struct OracleFallbackOptions {
  unsigned timeout_ms = 2000;  // per undecided policy
  CoverOptions cover;
};

// AnalyzeExternalAccess, then the oracle where the engine could not decide. stats.decided_by_oracle
// tells when the oracle's answer was used.
AnalysisResult AnalyzeExternalAccessWithOracle(const AccessModel& model, const ZoneOfTrust& zone,
                                               const OracleFallbackOptions& options = {});

}  // namespace perimeter::reasoning::z3

#endif  // PERIMETER_REASONING_Z3_ANALYZE_WITH_ORACLE_H_

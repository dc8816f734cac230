// An internal-access finding (internal_access_finding.h) as the store and the API keep it: a
// findings::Finding of type kInternalAccess whose access members (principal, actions, condition,
// sources) and `internal_details` are AWS's InternalAccessDetails (Access Analyzer API Reference,
// "InternalAccessDetails"; GetFindingV2 returns it as `findingDetails: [{"internalAccessDetails":
// {...}}]`, ListFindingsV2 as `findingType: "InternalAccess"`). The server's continuous analysis
// converts the analysis' findings with ToFinding; GetFindingV2 writes them with
// WriteInternalAccessDetails.
#ifndef PERIMETER_FINDINGS_INTERNAL_ACCESS_RECORD_H_
#define PERIMETER_FINDINGS_INTERNAL_ACCESS_RECORD_H_

#include <optional>

#include "perimeter/findings/finding.h"
#include "perimeter/findings/internal_access_finding.h"
#include "perimeter/json/document.h"
#include "perimeter/json/writer.h"

namespace perimeter::findings {

// The stored form of `finding`: type kInternalAccess, the same id, access members, error and
// Perimeter's extras (witness, explanation); `internal_details` unset on error findings, which
// describe no access.
Finding ToFinding(const InternalAccessFinding& finding);

// Writes the InternalAccessDetails object of `finding` (members in the API Reference's order:
// accessType, action, condition, principal, principalOwnerAccount, principalType,
// resourceControlPolicyRestriction, serviceControlPolicyRestriction, sources).
// REQUIRES: finding.internal_details.
void WriteInternalAccessDetails(json::Writer& w, const Finding& finding);

// Reads the members of an InternalAccessDetails object that Finding keeps in internal_details;
// nullopt when one is missing or not one of AWS's values.
std::optional<InternalAccessDetails> ParseInternalAccessDetails(const json::Value& value);

}  // namespace perimeter::findings

#endif  // PERIMETER_FINDINGS_INTERNAL_ACCESS_RECORD_H_

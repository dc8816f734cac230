// The check's report in four formats: a table for people, JSON, AWS Security Finding Format
// (Security Hub's BatchImportFindings shape, one finding per account and region) and OCSF 1.1
// Compliance Finding events (class 2003). Every row names the CIS control, the account, the region,
// the status, the reason and the remediation command.
#ifndef PERIMETER_COMPLIANCE_COMPLIANCE_REPORT_H_
#define PERIMETER_COMPLIANCE_COMPLIANCE_REPORT_H_

#include <string>
#include <string_view>

#include "perimeter/base/clock.h"
#include "perimeter/compliance/analyzers_enabled.h"

namespace perimeter::compliance {

enum class ReportFormat { kTable, kJson, kAsff, kOcsf };
// nullopt for a name that is none of table, json, asff, ocsf.
std::optional<ReportFormat> ParseReportFormat(std::string_view name);

// The control the report is for: "CIS AWS Foundations v5.0 1.19" with require_external, else
// "CIS AWS Foundations 1.20".
std::string ControlId(bool require_external);

std::string FormatReport(const CheckReport& report, ReportFormat format, base::UnixMillis now);

}  // namespace perimeter::compliance

#endif  // PERIMETER_COMPLIANCE_COMPLIANCE_REPORT_H_

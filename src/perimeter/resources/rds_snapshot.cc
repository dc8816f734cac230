#include "perimeter/resources/rds_snapshot.h"

#include <optional>
#include <string>

#include "perimeter/base/text.h"
#include "perimeter/resources/internal/config_reader.h"
#include "perimeter/resources/internal/findings_builder.h"
#include "perimeter/resources/internal/snapshot_sharing.h"

namespace perimeter::resources {
namespace {

// Reads {"attributes": {"restore": {"accountIds": [...]}}, "kmsKeyId": "..."}.
internal::SnapshotSharing ReadRdsSnapshot(const json::Value &configuration, std::string_view member,
                                          internal::Diagnostics &diagnostics) {
  internal::SnapshotSharing sharing;
  internal::ObjectReader reader(configuration, std::string(member), diagnostics);
  if (std::optional<json::Value> attributes = reader.Object("attributes"); attributes.has_value()) {
    for (const json::Value &attribute : attributes->members()) {
      std::string what = base::Concat(member, ".attributes.", attribute.key());
      internal::ObjectReader value(attribute, what, diagnostics);
      std::optional<std::vector<std::string>> ids = value.StringList("accountIds", true);
      value.Finish();
      if (attribute.key() != "restore") {
        // RDS has one shareable attribute (RDS API,
        // "ModifyDBSnapshotAttribute": AttributeName must be "restore");
        // anything else shares nothing.
        diagnostics.Warning(
            internal::kIneffective, attribute.key_position(),
            base::Concat(what, " is not the \"restore\" attribute and shares nothing"));
        continue;
      }
      if (!ids.has_value()) continue;
      std::optional<json::Value> list = value.value().Find("accountIds");
      for (const json::Value &id : list->children()) {
        std::string text(id.text());
        if (text != "all" && !internal::IsAccountIdText(text)) {
          diagnostics.Error(
              internal::kInvalidValue, id.position(),
              base::Concat(what, ".accountIds must hold 12-digit account ids or \"all\""));
        } else {
          sharing.shares.push_back({text, id.position(), "attributes.restore"});
        }
      }
    }
  }
  std::optional<std::string> key = reader.String("kmsKeyId");
  sharing.encrypted = key.has_value() && !key->empty();
  reader.Finish();
  return sharing;
}

ResourceAnalysis Analyze(const Resource &resource, std::string_view member,
                         const std::vector<std::string> &actions,
                         const reasoning::ZoneOfTrust &zone) {
  ResourceAnalysis analysis;
  internal::Diagnostics diagnostics(resource.location);
  internal::SnapshotSharing sharing = ReadRdsSnapshot(resource.configuration, member, diagnostics);
  if (diagnostics.has_errors()) {
    analysis.findings.push_back(
        internal::ErrorFinding(resource, internal::DescribeErrors(resource, diagnostics.issues())));
  } else {
    internal::ReportSnapshotSharing(resource, sharing, actions, zone, diagnostics,
                                    analysis.findings);
  }
  analysis.issues = diagnostics.TakeIssues();
  return analysis;
}

}  // namespace

std::vector<base::Issue> CheckRdsDbSnapshotConfiguration(const json::Value &configuration,
                                                         const RecordLocation &location) {
  internal::Diagnostics diagnostics(location);
  ReadRdsSnapshot(configuration, "rdsDbSnapshot", diagnostics);
  return diagnostics.TakeIssues();
}

std::vector<base::Issue> CheckRdsDbClusterSnapshotConfiguration(const json::Value &configuration,
                                                                const RecordLocation &location) {
  internal::Diagnostics diagnostics(location);
  ReadRdsSnapshot(configuration, "rdsDbClusterSnapshot", diagnostics);
  return diagnostics.TakeIssues();
}

std::vector<std::string> RdsSnapshotSharedActions(ResourceType type) {
  if (type == ResourceType::kRdsDbClusterSnapshot)
    return {"rds:CopyDBClusterSnapshot", "rds:RestoreDBClusterFromSnapshot"};
  return {"rds:CopyDBSnapshot", "rds:RestoreDBInstanceFromDBSnapshot"};
}

std::vector<reasoning::ResourceTarget> RdsDbSnapshotTargets(const Resource &resource) {
  static const std::vector<std::string> kActions = internal::CatalogActions("rds", "snapshot");
  return {reasoning::ResourceTarget{{resource.arn}, kActions}};
}

std::vector<reasoning::ResourceTarget> RdsDbClusterSnapshotTargets(const Resource &resource) {
  static const std::vector<std::string> kActions =
      internal::CatalogActions("rds", "cluster-snapshot");
  return {reasoning::ResourceTarget{{resource.arn}, kActions}};
}

std::vector<std::string> RdsSnapshotRestoreAccounts(const Resource &resource) {
  internal::Diagnostics diagnostics(resource.location);
  std::string_view member = resource.type == ResourceType::kRdsDbClusterSnapshot
                                ? "rdsDbClusterSnapshot"
                                : "rdsDbSnapshot";
  internal::SnapshotSharing sharing = ReadRdsSnapshot(resource.configuration, member, diagnostics);
  std::vector<std::string> out;
  for (const internal::SnapshotShare &share : sharing.shares) {
    if (share.account_id == "all" && sharing.encrypted) continue;
    out.push_back(share.account_id);
  }
  return out;
}

ResourceAnalysis AnalyzeRdsDbSnapshot(const Resource &resource, const AccountSettings * /*account*/,
                                      const reasoning::ZoneOfTrust &zone,
                                      PolicyAnalysisMemo * /*memo*/) {
  return Analyze(resource, "rdsDbSnapshot", RdsSnapshotSharedActions(ResourceType::kRdsDbSnapshot),
                 zone);
}

ResourceAnalysis AnalyzeRdsDbClusterSnapshot(const Resource &resource,
                                             const AccountSettings * /*account*/,
                                             const reasoning::ZoneOfTrust &zone,
                                             PolicyAnalysisMemo * /*memo*/) {
  return Analyze(resource, "rdsDbClusterSnapshot",
                 RdsSnapshotSharedActions(ResourceType::kRdsDbClusterSnapshot), zone);
}

}  // namespace perimeter::resources

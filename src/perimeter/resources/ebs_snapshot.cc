#include "perimeter/resources/ebs_snapshot.h"

#include <optional>

#include "perimeter/base/text.h"
#include "perimeter/resources/internal/config_reader.h"
#include "perimeter/resources/internal/findings_builder.h"
#include "perimeter/resources/internal/snapshot_sharing.h"

namespace perimeter::resources {
namespace {

// Reads {"userIds": [...], "groups": [...], "kmsKeyId": "..."}.
internal::SnapshotSharing ReadEbsSnapshot(const json::Value &configuration,
                                          internal::Diagnostics &diagnostics) {
  internal::SnapshotSharing sharing;
  internal::ObjectReader reader(configuration, "ebsSnapshot", diagnostics);
  if (std::optional<json::Value> ids = reader.Member("userIds"); ids.has_value()) {
    if (!ids->is_array()) {
      diagnostics.Error(internal::kWrongType, ids->position(),
                        "ebsSnapshot.userIds must be an array of account ids");
    } else {
      for (const json::Value &id : ids->children()) {
        if (!id.is_string() || !internal::IsAccountIdText(id.text())) {
          diagnostics.Error(internal::kInvalidValue, id.position(),
                            "ebsSnapshot.userIds must hold 12-digit account ids");
          continue;
        }
        sharing.shares.push_back({std::string(id.text()), id.position(), "userIds"});
      }
    }
  }
  if (std::optional<json::Value> groups = reader.Member("groups"); groups.has_value()) {
    if (!groups->is_array()) {
      diagnostics.Error(internal::kWrongType, groups->position(),
                        "ebsSnapshot.groups must be an array");
    } else {
      for (const json::Value &group : groups->children()) {
        // ModifySnapshotAttribute accepts only the group "all" (EC2 API,
        // "CreateVolumePermission").
        if (!group.is_string() || group.text() != "all") {
          diagnostics.Error(internal::kInvalidValue, group.position(),
                            "ebsSnapshot.groups may only hold \"all\" (EC2 "
                            "API, CreateVolumePermission.Group)");
          continue;
        }
        sharing.shares.push_back({"all", group.position(), "groups"});
      }
    }
  }
  std::optional<std::string> key = reader.String("kmsKeyId");
  sharing.encrypted = key.has_value() && !key->empty();
  reader.Finish();
  return sharing;
}

}  // namespace

std::vector<base::Issue> CheckEbsSnapshotConfiguration(const json::Value &configuration,
                                                       const RecordLocation &location) {
  internal::Diagnostics diagnostics(location);
  ReadEbsSnapshot(configuration, diagnostics);
  return diagnostics.TakeIssues();
}

ResourceAnalysis AnalyzeEbsSnapshot(const Resource &resource, const AccountSettings * /*account*/,
                                    const reasoning::ZoneOfTrust &zone,
                                    PolicyAnalysisMemo * /*memo*/) {
  ResourceAnalysis analysis;
  internal::Diagnostics diagnostics(resource.location);
  internal::SnapshotSharing sharing = ReadEbsSnapshot(resource.configuration, diagnostics);
  if (diagnostics.has_errors()) {
    analysis.findings.push_back(
        internal::ErrorFinding(resource, internal::DescribeErrors(resource, diagnostics.issues())));
  } else {
    internal::ReportSnapshotSharing(resource, sharing, {"ec2:CopySnapshot", "ec2:CreateVolume"},
                                    zone, diagnostics, analysis.findings);
  }
  analysis.issues = diagnostics.TakeIssues();
  return analysis;
}

}  // namespace perimeter::resources

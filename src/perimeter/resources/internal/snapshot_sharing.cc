#include "perimeter/resources/internal/snapshot_sharing.h"

#include "perimeter/base/text.h"
#include "perimeter/eval/request.h"
#include "perimeter/resources/internal/findings_builder.h"

namespace perimeter::resources::internal {

void ReportSnapshotSharing(const Resource &resource, const SnapshotSharing &sharing,
                           const std::vector<std::string> &actions,
                           const reasoning::ZoneOfTrust &zone, Diagnostics &diagnostics,
                           std::vector<findings::Finding> &findings) {
  std::string partition = PartitionOf(resource.arn);
  for (size_t i = 0; i < sharing.shares.size(); ++i) {
    const SnapshotShare &share = sharing.shares[i];
    bool is_public = share.account_id == "all";
    if (is_public && sharing.encrypted) {
      diagnostics.Warning(kIneffective, share.position,
                          base::Concat(share.attribute,
                                       " shares the snapshot with \"all\", but the snapshot is "
                                       "encrypted (kmsKeyId) and AWS never makes an encrypted "
                                       "snapshot public: "
                                       "no public access is reported"));
      continue;
    }
    if (!is_public && zone.ContainsAccount(share.account_id)) continue;
    std::string account = is_public ? SampleExternalAccount(zone) : share.account_id;
    DirectGrant grant;
    grant.principal = {{"AWS", is_public ? "*" : share.account_id}};
    grant.actions = actions;
    grant.is_public = is_public;
    grant.witness.principal = base::Concat("arn:", partition, ":iam::", account, ":root");
    grant.witness.principal_type =
        std::string(eval::PrincipalTypeName(eval::PrincipalType::kAccountRoot));
    grant.witness.action = actions.front();
    grant.witness.resource = resource.arn;
    grant.explanation.policy = share.attribute;
    grant.explanation.index = i;
    grant.explanation.position = diagnostics.location().Locate(share.position);
    MergeFinding(findings, DirectFinding(resource, std::move(grant)));
  }
}

}  // namespace perimeter::resources::internal

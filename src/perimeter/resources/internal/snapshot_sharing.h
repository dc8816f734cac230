// Snapshots are shared by attribute, not by policy: a list of account ids and a
// public marker. Both EBS (createVolumePermission: user ids and the group
// "all") and RDS (the "restore" attribute: account ids or "all") turn into the
// same findings (IAM User Guide, "IAM Access Analyzer resource types for
// external access": Amazon EBS volume snapshots, Amazon RDS DB snapshots and DB
// cluster snapshots; Access Analyzer API, "EbsSnapshotConfiguration",
// "RdsDbSnapshotConfiguration").
#ifndef PERIMETER_RESOURCES_INTERNAL_SNAPSHOT_SHARING_H_
#define PERIMETER_RESOURCES_INTERNAL_SNAPSHOT_SHARING_H_

#include <string>
#include <vector>

#include "perimeter/base/source_position.h"
#include "perimeter/reasoning/zone_of_trust.h"
#include "perimeter/resources/internal/config_reader.h"
#include "perimeter/resources/resource.h"

namespace perimeter::resources::internal {

struct SnapshotShare {
  std::string account_id;         // 12 digits, or "all" for everyone
  base::SourcePosition position;  // in the record
  std::string attribute;          // "userIds", "groups", "attributes.restore"
};

struct SnapshotSharing {
  std::vector<SnapshotShare> shares;
  bool encrypted = false;  // a KMS key id is given
};

// One finding per external account ({"AWS": id}, not public) and one public
// finding ({"AWS": "*"}) for "all". An encrypted snapshot cannot be public: AWS
// refuses to share it with "all" (EBS User Guide, "Share an Amazon EBS
// snapshot": "You can't make your encrypted snapshots publicly available"; RDS
// User Guide, "Sharing a DB snapshot": encrypted snapshots can be shared only
// with specific accounts), so a recorded "all" on an encrypted snapshot grants
// nothing: it gives a warning that says so and no finding. `actions` are what a
// sharing account can do with the snapshot.
void ReportSnapshotSharing(const Resource &resource, const SnapshotSharing &sharing,
                           const std::vector<std::string> &actions,
                           const reasoning::ZoneOfTrust &zone, Diagnostics &diagnostics,
                           std::vector<findings::Finding> &findings);

}  // namespace perimeter::resources::internal

#endif  // PERIMETER_RESOURCES_INTERNAL_SNAPSHOT_SHARING_H_

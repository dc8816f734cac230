// Amazon EBS volume snapshots (AWS::EC2::Snapshot): shared through the
// createVolumePermission attribute, with account ids (`userIds`) and the group
// "all" (`groups`) (Access Analyzer API, "EbsSnapshotConfiguration": "If the
// value all is specified, then the Amazon EBS volume snapshot is public").
// Encrypted snapshots (`kmsKeyId`) can be shared with accounts but never
// publicly. Actions a sharing account gains: ec2:CreateVolume and
// ec2:CopySnapshot (docs/access-analyzer-rules.md §5.7, Q12).
#ifndef PERIMETER_RESOURCES_EBS_SNAPSHOT_H_
#define PERIMETER_RESOURCES_EBS_SNAPSHOT_H_

#include <vector>

#include "perimeter/json/document.h"
#include "perimeter/reasoning/zone_of_trust.h"
#include "perimeter/resources/resource.h"

namespace perimeter::resources {

class PolicyAnalysisMemo;  // policy_analysis_memo.h

std::vector<base::Issue> CheckEbsSnapshotConfiguration(const json::Value &configuration,
                                                       const RecordLocation &location);

ResourceAnalysis AnalyzeEbsSnapshot(const Resource &resource, const AccountSettings *account,
                                    const reasoning::ZoneOfTrust &zone, PolicyAnalysisMemo *memo);

}  // namespace perimeter::resources

#endif  // PERIMETER_RESOURCES_EBS_SNAPSHOT_H_

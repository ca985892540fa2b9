package io.fjord.streams;

import java.time.Duration;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * Every {@link Admin} operation refused with an {@link UnsupportedOperationException} naming it;
 * {@link FjordAdmin} overrides what an in-process engine can answer. Kept separate so the
 * supported surface is easy to read. Generated from kafka-clients' Admin interface.
 */
@SuppressWarnings({"deprecation", "removal"}) // stubs of deprecated Admin methods too
abstract class UnsupportedAdmin implements Admin {
    static UnsupportedOperationException unsupported(String operation) {
        return new UnsupportedOperationException("Admin." + operation
                + " is not supported by Fjord's in-process Admin (fjord-streams)");
    }

    @Override
    public void close(Duration timeout) {
    }

    @Override
    public Map<MetricName, ? extends Metric> metrics() {
        return Map.of();
    }

    @Override
    public org.apache.kafka.clients.admin.CreateTopicsResult createTopics(java.util.Collection<org.apache.kafka.clients.admin.NewTopic> a0, org.apache.kafka.clients.admin.CreateTopicsOptions a1) {
        throw unsupported("createTopics");
    }

    @Override
    public org.apache.kafka.clients.admin.DeleteTopicsResult deleteTopics(org.apache.kafka.common.TopicCollection a0, org.apache.kafka.clients.admin.DeleteTopicsOptions a1) {
        throw unsupported("deleteTopics");
    }

    @Override
    public org.apache.kafka.clients.admin.ListTopicsResult listTopics(org.apache.kafka.clients.admin.ListTopicsOptions a0) {
        throw unsupported("listTopics");
    }

    @Override
    public org.apache.kafka.clients.admin.DescribeTopicsResult describeTopics(org.apache.kafka.common.TopicCollection a0, org.apache.kafka.clients.admin.DescribeTopicsOptions a1) {
        throw unsupported("describeTopics");
    }

    @Override
    public org.apache.kafka.clients.admin.DescribeClusterResult describeCluster(org.apache.kafka.clients.admin.DescribeClusterOptions a0) {
        throw unsupported("describeCluster");
    }

    @Override
    public org.apache.kafka.clients.admin.DescribeAclsResult describeAcls(org.apache.kafka.common.acl.AclBindingFilter a0, org.apache.kafka.clients.admin.DescribeAclsOptions a1) {
        throw unsupported("describeAcls");
    }

    @Override
    public org.apache.kafka.clients.admin.CreateAclsResult createAcls(java.util.Collection<org.apache.kafka.common.acl.AclBinding> a0, org.apache.kafka.clients.admin.CreateAclsOptions a1) {
        throw unsupported("createAcls");
    }

    @Override
    public org.apache.kafka.clients.admin.DeleteAclsResult deleteAcls(java.util.Collection<org.apache.kafka.common.acl.AclBindingFilter> a0, org.apache.kafka.clients.admin.DeleteAclsOptions a1) {
        throw unsupported("deleteAcls");
    }

    @Override
    public org.apache.kafka.clients.admin.DescribeConfigsResult describeConfigs(java.util.Collection<org.apache.kafka.common.config.ConfigResource> a0, org.apache.kafka.clients.admin.DescribeConfigsOptions a1) {
        throw unsupported("describeConfigs");
    }

    @Override
    public org.apache.kafka.clients.admin.AlterConfigsResult incrementalAlterConfigs(java.util.Map<org.apache.kafka.common.config.ConfigResource, java.util.Collection<org.apache.kafka.clients.admin.AlterConfigOp>> a0, org.apache.kafka.clients.admin.AlterConfigsOptions a1) {
        throw unsupported("incrementalAlterConfigs");
    }

    @Override
    public org.apache.kafka.clients.admin.AlterReplicaLogDirsResult alterReplicaLogDirs(java.util.Map<org.apache.kafka.common.TopicPartitionReplica, java.lang.String> a0, org.apache.kafka.clients.admin.AlterReplicaLogDirsOptions a1) {
        throw unsupported("alterReplicaLogDirs");
    }

    @Override
    public org.apache.kafka.clients.admin.DescribeLogDirsResult describeLogDirs(java.util.Collection<java.lang.Integer> a0, org.apache.kafka.clients.admin.DescribeLogDirsOptions a1) {
        throw unsupported("describeLogDirs");
    }

    @Override
    public org.apache.kafka.clients.admin.DescribeReplicaLogDirsResult describeReplicaLogDirs(java.util.Collection<org.apache.kafka.common.TopicPartitionReplica> a0, org.apache.kafka.clients.admin.DescribeReplicaLogDirsOptions a1) {
        throw unsupported("describeReplicaLogDirs");
    }

    @Override
    public org.apache.kafka.clients.admin.CreatePartitionsResult createPartitions(java.util.Map<java.lang.String, org.apache.kafka.clients.admin.NewPartitions> a0, org.apache.kafka.clients.admin.CreatePartitionsOptions a1) {
        throw unsupported("createPartitions");
    }

    @Override
    public org.apache.kafka.clients.admin.DeleteRecordsResult deleteRecords(java.util.Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.RecordsToDelete> a0, org.apache.kafka.clients.admin.DeleteRecordsOptions a1) {
        throw unsupported("deleteRecords");
    }

    @Override
    public org.apache.kafka.clients.admin.CreateDelegationTokenResult createDelegationToken(org.apache.kafka.clients.admin.CreateDelegationTokenOptions a0) {
        throw unsupported("createDelegationToken");
    }

    @Override
    public org.apache.kafka.clients.admin.RenewDelegationTokenResult renewDelegationToken(byte[] a0, org.apache.kafka.clients.admin.RenewDelegationTokenOptions a1) {
        throw unsupported("renewDelegationToken");
    }

    @Override
    public org.apache.kafka.clients.admin.ExpireDelegationTokenResult expireDelegationToken(byte[] a0, org.apache.kafka.clients.admin.ExpireDelegationTokenOptions a1) {
        throw unsupported("expireDelegationToken");
    }

    @Override
    public org.apache.kafka.clients.admin.DescribeDelegationTokenResult describeDelegationToken(org.apache.kafka.clients.admin.DescribeDelegationTokenOptions a0) {
        throw unsupported("describeDelegationToken");
    }

    @Override
    public org.apache.kafka.clients.admin.DescribeConsumerGroupsResult describeConsumerGroups(java.util.Collection<java.lang.String> a0, org.apache.kafka.clients.admin.DescribeConsumerGroupsOptions a1) {
        throw unsupported("describeConsumerGroups");
    }

    @Override
    public org.apache.kafka.clients.admin.ListConsumerGroupsResult listConsumerGroups(org.apache.kafka.clients.admin.ListConsumerGroupsOptions a0) {
        throw unsupported("listConsumerGroups");
    }

    @Override
    public org.apache.kafka.clients.admin.ListConsumerGroupOffsetsResult listConsumerGroupOffsets(java.util.Map<java.lang.String, org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec> a0, org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions a1) {
        throw unsupported("listConsumerGroupOffsets");
    }

    @Override
    public org.apache.kafka.clients.admin.ListStreamsGroupOffsetsResult listStreamsGroupOffsets(java.util.Map<java.lang.String, org.apache.kafka.clients.admin.ListStreamsGroupOffsetsSpec> a0, org.apache.kafka.clients.admin.ListStreamsGroupOffsetsOptions a1) {
        throw unsupported("listStreamsGroupOffsets");
    }

    @Override
    public org.apache.kafka.clients.admin.DeleteConsumerGroupsResult deleteConsumerGroups(java.util.Collection<java.lang.String> a0, org.apache.kafka.clients.admin.DeleteConsumerGroupsOptions a1) {
        throw unsupported("deleteConsumerGroups");
    }

    @Override
    public org.apache.kafka.clients.admin.DeleteStreamsGroupsResult deleteStreamsGroups(java.util.Collection<java.lang.String> a0, org.apache.kafka.clients.admin.DeleteStreamsGroupsOptions a1) {
        throw unsupported("deleteStreamsGroups");
    }

    @Override
    public org.apache.kafka.clients.admin.DeleteConsumerGroupOffsetsResult deleteConsumerGroupOffsets(java.lang.String a0, java.util.Set<org.apache.kafka.common.TopicPartition> a1, org.apache.kafka.clients.admin.DeleteConsumerGroupOffsetsOptions a2) {
        throw unsupported("deleteConsumerGroupOffsets");
    }

    @Override
    public org.apache.kafka.clients.admin.DeleteStreamsGroupOffsetsResult deleteStreamsGroupOffsets(java.lang.String a0, java.util.Set<org.apache.kafka.common.TopicPartition> a1, org.apache.kafka.clients.admin.DeleteStreamsGroupOffsetsOptions a2) {
        throw unsupported("deleteStreamsGroupOffsets");
    }

    @Override
    public org.apache.kafka.clients.admin.ListGroupsResult listGroups(org.apache.kafka.clients.admin.ListGroupsOptions a0) {
        throw unsupported("listGroups");
    }

    @Override
    public org.apache.kafka.clients.admin.ElectLeadersResult electLeaders(org.apache.kafka.common.ElectionType a0, java.util.Set<org.apache.kafka.common.TopicPartition> a1, org.apache.kafka.clients.admin.ElectLeadersOptions a2) {
        throw unsupported("electLeaders");
    }

    @Override
    public org.apache.kafka.clients.admin.AlterPartitionReassignmentsResult alterPartitionReassignments(java.util.Map<org.apache.kafka.common.TopicPartition, java.util.Optional<org.apache.kafka.clients.admin.NewPartitionReassignment>> a0, org.apache.kafka.clients.admin.AlterPartitionReassignmentsOptions a1) {
        throw unsupported("alterPartitionReassignments");
    }

    @Override
    public org.apache.kafka.clients.admin.ListPartitionReassignmentsResult listPartitionReassignments(java.util.Optional<java.util.Set<org.apache.kafka.common.TopicPartition>> a0, org.apache.kafka.clients.admin.ListPartitionReassignmentsOptions a1) {
        throw unsupported("listPartitionReassignments");
    }

    @Override
    public org.apache.kafka.clients.admin.RemoveMembersFromConsumerGroupResult removeMembersFromConsumerGroup(java.lang.String a0, org.apache.kafka.clients.admin.RemoveMembersFromConsumerGroupOptions a1) {
        throw unsupported("removeMembersFromConsumerGroup");
    }

    @Override
    public org.apache.kafka.clients.admin.AlterConsumerGroupOffsetsResult alterConsumerGroupOffsets(java.lang.String a0, java.util.Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> a1, org.apache.kafka.clients.admin.AlterConsumerGroupOffsetsOptions a2) {
        throw unsupported("alterConsumerGroupOffsets");
    }

    @Override
    public org.apache.kafka.clients.admin.AlterStreamsGroupOffsetsResult alterStreamsGroupOffsets(java.lang.String a0, java.util.Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> a1, org.apache.kafka.clients.admin.AlterStreamsGroupOffsetsOptions a2) {
        throw unsupported("alterStreamsGroupOffsets");
    }

    @Override
    public org.apache.kafka.clients.admin.ListOffsetsResult listOffsets(java.util.Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> a0, org.apache.kafka.clients.admin.ListOffsetsOptions a1) {
        throw unsupported("listOffsets");
    }

    @Override
    public org.apache.kafka.clients.admin.DescribeClientQuotasResult describeClientQuotas(org.apache.kafka.common.quota.ClientQuotaFilter a0, org.apache.kafka.clients.admin.DescribeClientQuotasOptions a1) {
        throw unsupported("describeClientQuotas");
    }

    @Override
    public org.apache.kafka.clients.admin.AlterClientQuotasResult alterClientQuotas(java.util.Collection<org.apache.kafka.common.quota.ClientQuotaAlteration> a0, org.apache.kafka.clients.admin.AlterClientQuotasOptions a1) {
        throw unsupported("alterClientQuotas");
    }

    @Override
    public org.apache.kafka.clients.admin.DescribeUserScramCredentialsResult describeUserScramCredentials(java.util.List<java.lang.String> a0, org.apache.kafka.clients.admin.DescribeUserScramCredentialsOptions a1) {
        throw unsupported("describeUserScramCredentials");
    }

    @Override
    public org.apache.kafka.clients.admin.AlterUserScramCredentialsResult alterUserScramCredentials(java.util.List<org.apache.kafka.clients.admin.UserScramCredentialAlteration> a0, org.apache.kafka.clients.admin.AlterUserScramCredentialsOptions a1) {
        throw unsupported("alterUserScramCredentials");
    }

    @Override
    public org.apache.kafka.clients.admin.DescribeFeaturesResult describeFeatures(org.apache.kafka.clients.admin.DescribeFeaturesOptions a0) {
        throw unsupported("describeFeatures");
    }

    @Override
    public org.apache.kafka.clients.admin.UpdateFeaturesResult updateFeatures(java.util.Map<java.lang.String, org.apache.kafka.clients.admin.FeatureUpdate> a0, org.apache.kafka.clients.admin.UpdateFeaturesOptions a1) {
        throw unsupported("updateFeatures");
    }

    @Override
    public org.apache.kafka.clients.admin.DescribeMetadataQuorumResult describeMetadataQuorum(org.apache.kafka.clients.admin.DescribeMetadataQuorumOptions a0) {
        throw unsupported("describeMetadataQuorum");
    }

    @Override
    public org.apache.kafka.clients.admin.UnregisterBrokerResult unregisterBroker(int a0, org.apache.kafka.clients.admin.UnregisterBrokerOptions a1) {
        throw unsupported("unregisterBroker");
    }

    @Override
    public org.apache.kafka.clients.admin.DescribeProducersResult describeProducers(java.util.Collection<org.apache.kafka.common.TopicPartition> a0, org.apache.kafka.clients.admin.DescribeProducersOptions a1) {
        throw unsupported("describeProducers");
    }

    @Override
    public org.apache.kafka.clients.admin.DescribeTransactionsResult describeTransactions(java.util.Collection<java.lang.String> a0, org.apache.kafka.clients.admin.DescribeTransactionsOptions a1) {
        throw unsupported("describeTransactions");
    }

    @Override
    public org.apache.kafka.clients.admin.AbortTransactionResult abortTransaction(org.apache.kafka.clients.admin.AbortTransactionSpec a0, org.apache.kafka.clients.admin.AbortTransactionOptions a1) {
        throw unsupported("abortTransaction");
    }

    @Override
    public org.apache.kafka.clients.admin.ListTransactionsResult listTransactions(org.apache.kafka.clients.admin.ListTransactionsOptions a0) {
        throw unsupported("listTransactions");
    }

    @Override
    public org.apache.kafka.clients.admin.FenceProducersResult fenceProducers(java.util.Collection<java.lang.String> a0, org.apache.kafka.clients.admin.FenceProducersOptions a1) {
        throw unsupported("fenceProducers");
    }

    @Override
    public org.apache.kafka.clients.admin.ListConfigResourcesResult listConfigResources(java.util.Set<org.apache.kafka.common.config.ConfigResource.Type> a0, org.apache.kafka.clients.admin.ListConfigResourcesOptions a1) {
        throw unsupported("listConfigResources");
    }

    @Override
    public org.apache.kafka.clients.admin.ListClientMetricsResourcesResult listClientMetricsResources(org.apache.kafka.clients.admin.ListClientMetricsResourcesOptions a0) {
        throw unsupported("listClientMetricsResources");
    }

    @Override
    public org.apache.kafka.common.Uuid clientInstanceId(java.time.Duration a0) {
        throw unsupported("clientInstanceId");
    }

    @Override
    public org.apache.kafka.clients.admin.AddRaftVoterResult addRaftVoter(int a0, org.apache.kafka.common.Uuid a1, java.util.Set<org.apache.kafka.clients.admin.RaftVoterEndpoint> a2, org.apache.kafka.clients.admin.AddRaftVoterOptions a3) {
        throw unsupported("addRaftVoter");
    }

    @Override
    public org.apache.kafka.clients.admin.RemoveRaftVoterResult removeRaftVoter(int a0, org.apache.kafka.common.Uuid a1, org.apache.kafka.clients.admin.RemoveRaftVoterOptions a2) {
        throw unsupported("removeRaftVoter");
    }

    @Override
    public org.apache.kafka.clients.admin.DescribeShareGroupsResult describeShareGroups(java.util.Collection<java.lang.String> a0, org.apache.kafka.clients.admin.DescribeShareGroupsOptions a1) {
        throw unsupported("describeShareGroups");
    }

    @Override
    public org.apache.kafka.clients.admin.AlterShareGroupOffsetsResult alterShareGroupOffsets(java.lang.String a0, java.util.Map<org.apache.kafka.common.TopicPartition, java.lang.Long> a1, org.apache.kafka.clients.admin.AlterShareGroupOffsetsOptions a2) {
        throw unsupported("alterShareGroupOffsets");
    }

    @Override
    public org.apache.kafka.clients.admin.ListShareGroupOffsetsResult listShareGroupOffsets(java.util.Map<java.lang.String, org.apache.kafka.clients.admin.ListShareGroupOffsetsSpec> a0, org.apache.kafka.clients.admin.ListShareGroupOffsetsOptions a1) {
        throw unsupported("listShareGroupOffsets");
    }

    @Override
    public org.apache.kafka.clients.admin.DeleteShareGroupOffsetsResult deleteShareGroupOffsets(java.lang.String a0, java.util.Set<java.lang.String> a1, org.apache.kafka.clients.admin.DeleteShareGroupOffsetsOptions a2) {
        throw unsupported("deleteShareGroupOffsets");
    }

    @Override
    public org.apache.kafka.clients.admin.DeleteShareGroupsResult deleteShareGroups(java.util.Collection<java.lang.String> a0, org.apache.kafka.clients.admin.DeleteShareGroupsOptions a1) {
        throw unsupported("deleteShareGroups");
    }

    @Override
    public org.apache.kafka.clients.admin.DescribeStreamsGroupsResult describeStreamsGroups(java.util.Collection<java.lang.String> a0, org.apache.kafka.clients.admin.DescribeStreamsGroupsOptions a1) {
        throw unsupported("describeStreamsGroups");
    }

    @Override
    public org.apache.kafka.clients.admin.DescribeClassicGroupsResult describeClassicGroups(java.util.Collection<java.lang.String> a0, org.apache.kafka.clients.admin.DescribeClassicGroupsOptions a1) {
        throw unsupported("describeClassicGroups");
    }

    @Override
    public void registerMetricForSubscription(org.apache.kafka.common.metrics.KafkaMetric a0) {
        throw unsupported("registerMetricForSubscription");
    }

    @Override
    public void unregisterMetricFromSubscription(org.apache.kafka.common.metrics.KafkaMetric a0) {
        throw unsupported("unregisterMetricFromSubscription");
    }

    @Override
    public org.apache.kafka.clients.admin.TerminateTransactionResult forceTerminateTransaction(java.lang.String a0, org.apache.kafka.clients.admin.TerminateTransactionOptions a1) {
        throw unsupported("forceTerminateTransaction");
    }

}

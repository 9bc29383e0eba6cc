output "cluster_name" {
  description = "EKS cluster name (aws eks update-kubeconfig --name ...)."
  value       = aws_eks_cluster.this.name
}

output "cluster_endpoint" {
  description = "Private Kubernetes API endpoint (reachable from inside the VPC only)."
  value       = aws_eks_cluster.this.endpoint
}

output "cluster_security_group_id" {
  description = "Cluster security group (nodes and pods)."
  value       = aws_eks_cluster.this.vpc_config[0].cluster_security_group_id
}

output "vpc_id" {
  description = "VPC id."
  value       = aws_vpc.this.id
}

output "private_subnet_cidrs" {
  description = "Node/pod subnets: SMLAPI_TRUSTED_PROXIES in deploy/k8s/overlays/prod."
  value       = aws_subnet.private[*].cidr_block
}

output "data_subnet_cidrs" {
  description = "ElastiCache subnets: ipBlocks of deploy/k8s/overlays/prod/redis-egress.yaml."
  value       = aws_subnet.data[*].cidr_block
}

output "redis_primary_endpoint" {
  description = "ElastiCache primary endpoint (TLS): SMLAPI_REDIS_HOST in deploy/k8s/overlays/prod."
  value       = aws_elasticache_replication_group.this.primary_endpoint_address
}

output "redis_auth_secret_arn" {
  description = "Secrets Manager secret holding the Redis AUTH token (smlapi-redis Secret, key password)."
  value       = aws_secretsmanager_secret.redis_auth.arn
}

output "ecr_repository_url" {
  description = "Image repository (immutable tags): image newName in deploy/k8s/overlays/prod."
  value       = aws_ecr_repository.this.repository_url
}

output "ecr_signatures_repository_url" {
  description = "COSIGN_REPOSITORY for signatures and attestations."
  value       = aws_ecr_repository.signatures.repository_url
}

output "github_plan_role_arn" {
  description = "Role for terraform plan (read-only) from GitHub Actions."
  value       = aws_iam_role.github_plan.arn
}

output "github_deploy_role_arn" {
  description = "Role for deployments to EKS from GitHub Actions."
  value       = aws_iam_role.github_deploy.arn
}

output "github_ecr_push_role_arn" {
  description = "Role for pushing and signing images in ECR from GitHub Actions."
  value       = aws_iam_role.github_ecr_push.arn
}

output "eks_secrets_kms_key_arn" {
  description = "KMS key encrypting Kubernetes Secrets."
  value       = aws_kms_key.eks_secrets.arn
}

output "data_kms_key_arn" {
  description = "KMS key for logs, cache, registry and secrets."
  value       = aws_kms_key.data.arn
}

output "kyverno_ecr_role_arn" {
  description = "Role of Kyverno's admission controller (EKS Pod Identity), read-only on the two ECR repositories."
  value       = aws_iam_role.kyverno.arn
}

output "deploy_kubernetes_group" {
  description = "Kubernetes group of the deploy role: subject of the RoleBinding in deploy/k8s/cluster/deploy-rbac.yaml."
  value       = var.deploy_kubernetes_group
}

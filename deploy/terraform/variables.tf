variable "region" {
  description = "AWS region for every resource."
  type        = string
  default     = "eu-west-1"

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.region))
    error_message = "region must be an AWS region name such as eu-west-1."
  }
}

variable "environment" {
  description = "Environment name, used in resource names and tags."
  type        = string
  default     = "prod"

  validation {
    condition     = contains(["dev", "staging", "prod"], var.environment)
    error_message = "environment must be one of dev, staging, prod."
  }
}

variable "name" {
  description = "Base name for resources (cluster, cache, repository)."
  type        = string
  default     = "secure-ml-api"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,30}[a-z0-9]$", var.name))
    error_message = "name must be 4-32 lowercase letters, digits or '-', starting with a letter."
  }
}

variable "tags" {
  description = "Extra tags for every resource."
  type        = map(string)
  default     = {}
}

variable "vpc_cidr" {
  description = "VPC address range."
  type        = string
  default     = "10.40.0.0/16"

  validation {
    condition     = can(cidrhost(var.vpc_cidr, 0)) && tonumber(split("/", var.vpc_cidr)[1]) <= 20
    error_message = "vpc_cidr must be a valid IPv4 CIDR of /20 or larger."
  }
}

variable "availability_zones" {
  description = "Zones to spread subnets, nodes and the cache over (at least two)."
  type        = list(string)
  default     = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]

  validation {
    condition     = length(var.availability_zones) >= 2 && length(distinct(var.availability_zones)) == length(var.availability_zones)
    error_message = "availability_zones needs at least two distinct zones."
  }
}

variable "private_subnet_cidrs" {
  description = "Node and pod subnets, one per zone (no public IPs). Also the service's trusted proxy list (SMLAPI_TRUSTED_PROXIES in deploy/k8s/overlays/prod)."
  type        = list(string)
  default     = ["10.40.0.0/20", "10.40.16.0/20", "10.40.32.0/20"]

  validation {
    condition     = length(var.private_subnet_cidrs) >= 2 && alltrue([for c in var.private_subnet_cidrs : can(cidrhost(c, 0))])
    error_message = "private_subnet_cidrs needs at least two valid CIDRs (one per zone)."
  }
}

variable "public_subnet_cidrs" {
  description = "Subnets for NAT gateways and the public load balancer, one per zone."
  type        = list(string)
  default     = ["10.40.200.0/24", "10.40.201.0/24", "10.40.202.0/24"]

  validation {
    condition     = length(var.public_subnet_cidrs) >= 2 && alltrue([for c in var.public_subnet_cidrs : can(cidrhost(c, 0))])
    error_message = "public_subnet_cidrs needs at least two valid CIDRs (one per zone)."
  }
}

variable "data_subnet_cidrs" {
  description = "Isolated subnets for ElastiCache (no internet route), one per zone. Must match the ipBlocks of deploy/k8s/overlays/prod/redis-egress.yaml."
  type        = list(string)
  default     = ["10.40.210.0/24", "10.40.211.0/24", "10.40.212.0/24"]

  validation {
    condition     = length(var.data_subnet_cidrs) >= 2 && alltrue([for c in var.data_subnet_cidrs : can(cidrhost(c, 0))])
    error_message = "data_subnet_cidrs needs at least two valid CIDRs (one per zone)."
  }
}

variable "kubernetes_version" {
  description = "EKS control plane version (>= 1.29: see the validation)."
  type        = string
  default     = "1.32"

  validation {
    condition     = can(regex("^1\\.(29|3[0-9])$", var.kubernetes_version))
    error_message = "kubernetes_version must be 1.29 or newer: the manifests need 1.27+ (topologySpreadConstraints matchLabelKeys), and EKS versions before 1.29 are past the end of extended support (1.28: November 2025)."
  }
}

variable "cluster_endpoint_allowed_cidrs" {
  description = "Private networks (VPN, bastion, CI runners in the VPC) allowed to reach the private API endpoint on 443."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for c in var.cluster_endpoint_allowed_cidrs : can(cidrhost(c, 0)) && c != "0.0.0.0/0"])
    error_message = "cluster_endpoint_allowed_cidrs must be valid CIDRs and must not contain 0.0.0.0/0."
  }
}

variable "cluster_admin_principal_arns" {
  description = "IAM principals given cluster-admin through EKS access entries (no aws-auth ConfigMap)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for a in var.cluster_admin_principal_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)/", a))])
    error_message = "cluster_admin_principal_arns must be IAM role or user ARNs."
  }
}

variable "node_instance_types" {
  description = "Instance types of the managed node group."
  type        = list(string)
  default     = ["m6i.large"]

  validation {
    condition     = length(var.node_instance_types) > 0 && alltrue([for t in var.node_instance_types : can(regex("^[a-z][a-z0-9-]*\\.[a-z0-9]+$", t))])
    error_message = "node_instance_types must be a non-empty list of instance types such as m6i.large."
  }
}

variable "node_group_size" {
  description = "Managed node group size."
  type = object({
    min     = number
    desired = number
    max     = number
  })
  default = {
    min     = 3
    desired = 3
    max     = 9
  }

  validation {
    condition     = var.node_group_size.min >= 2 && var.node_group_size.min <= var.node_group_size.desired && var.node_group_size.desired <= var.node_group_size.max
    error_message = "node_group_size needs 2 <= min <= desired <= max (at least two nodes to survive a zone or node loss)."
  }
}

variable "node_volume_size_gib" {
  description = "Root volume size of each node (encrypted gp3)."
  type        = number
  default     = 50

  validation {
    condition     = var.node_volume_size_gib >= 20 && var.node_volume_size_gib <= 500
    error_message = "node_volume_size_gib must be between 20 and 500."
  }
}

variable "log_retention_days" {
  description = "Retention of control-plane, flow and cache logs in CloudWatch."
  type        = number
  default     = 365

  validation {
    condition     = contains([365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a CloudWatch retention value of at least 365 days."
  }
}

variable "redis_node_type" {
  description = "ElastiCache node type."
  type        = string
  default     = "cache.t4g.small"

  validation {
    condition     = can(regex("^cache\\.[a-z0-9]+\\.[a-z0-9]+$", var.redis_node_type))
    error_message = "redis_node_type must be an ElastiCache node type such as cache.t4g.small."
  }
}

variable "redis_engine_version" {
  description = "ElastiCache Redis OSS engine version."
  type        = string
  default     = "7.1"

  validation {
    condition     = can(regex("^7\\.[0-9]+$", var.redis_engine_version))
    error_message = "redis_engine_version must be 7.x (AUTH token rotation and TLS-required mode)."
  }
}

variable "github_repository" {
  description = "GitHub repository (owner/name) whose workflows may assume the CI roles. Must match the Kyverno identity in deploy/k8s/cluster/."
  type        = string
  default     = "Diler-M/secure-ml-api"

  validation {
    condition     = can(regex("^[A-Za-z0-9-]+/[A-Za-z0-9._-]+$", var.github_repository))
    error_message = "github_repository must be owner/name, without wildcards."
  }
}

variable "github_branch" {
  description = "Branch whose workflows may deploy (and plan)."
  type        = string
  default     = "main"

  validation {
    condition     = can(regex("^[A-Za-z0-9._/-]+$", var.github_branch)) && !can(regex("[*?]", var.github_branch))
    error_message = "github_branch must be a branch name, without wildcards."
  }
}

variable "github_plan_environment" {
  description = "GitHub environment of the terraform plan job (subject repo:<repo>:environment:<this>). Restrict its deployment branches to github_branch."
  type        = string
  default     = "production-plan"

  validation {
    condition     = can(regex("^[A-Za-z0-9._-]+$", var.github_plan_environment))
    error_message = "github_plan_environment must be an environment name, without wildcards."
  }
}

variable "github_deploy_environment" {
  description = "GitHub environment of the deploy job (subject repo:<repo>:environment:<this>). Restrict its deployment branches to github_branch and require reviewers."
  type        = string
  default     = "production"

  validation {
    condition     = can(regex("^[A-Za-z0-9._-]+$", var.github_deploy_environment))
    error_message = "github_deploy_environment must be an environment name, without wildcards."
  }
}

variable "app_namespace" {
  description = "Kubernetes namespace the deploy role may change."
  type        = string
  default     = "secure-ml-api"

  validation {
    condition     = can(regex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", var.app_namespace))
    error_message = "app_namespace must be a DNS-1123 label."
  }
}

variable "deploy_kubernetes_group" {
  description = "Kubernetes group of the deploy role (EKS access entry). Must match the RoleBinding subject in deploy/k8s/cluster/deploy-rbac.yaml (tests/deploy/k8s.mjs checks)."
  type        = string
  default     = "secure-ml-api-deployer"

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9:-]*$", var.deploy_kubernetes_group)) && !startswith(var.deploy_kubernetes_group, "system:")
    error_message = "deploy_kubernetes_group must be a plain group name, not a system: group."
  }
}

variable "kyverno_namespace" {
  description = "Namespace of Kyverno (its admission controller reads image signatures from ECR through EKS Pod Identity)."
  type        = string
  default     = "kyverno"

  validation {
    condition     = can(regex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", var.kyverno_namespace))
    error_message = "kyverno_namespace must be a DNS-1123 label."
  }
}

variable "kyverno_admission_service_account" {
  description = "Service account of Kyverno's admission controller (Helm chart default kyverno-admission-controller)."
  type        = string
  default     = "kyverno-admission-controller"

  validation {
    condition     = can(regex("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$", var.kyverno_admission_service_account))
    error_message = "kyverno_admission_service_account must be a DNS-1123 name."
  }
}

variable "create_github_oidc_provider" {
  description = "Create the account's GitHub OIDC provider (false if it already exists)."
  type        = bool
  default     = true
}

variable "state_bucket_name" {
  description = "S3 bucket holding this configuration's state (read by the plan role)."
  type        = string
  default     = "secure-ml-api-tfstate-111122223333"

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.state_bucket_name))
    error_message = "state_bucket_name must be a valid S3 bucket name."
  }
}

variable "state_key" {
  description = "Object key of the state file inside state_bucket_name."
  type        = string
  default     = "prod/secure-ml-api.tfstate"
}

variable "state_kms_key_arn" {
  description = "KMS key of the state bucket's SSE-KMS encryption (empty if the bucket uses SSE-S3)."
  type        = string
  default     = ""

  validation {
    condition     = var.state_kms_key_arn == "" || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/", var.state_kms_key_arn))
    error_message = "state_kms_key_arn must be empty or a KMS key ARN."
  }
}

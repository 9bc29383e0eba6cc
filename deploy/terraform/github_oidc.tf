# GitHub Actions reaches AWS through OIDC only (no stored keys). Each role
# trusts exactly one subject of this repository (StringEquals, no wildcards),
# matching the jobs of .github/workflows/release.yml:
#  - plan:     read-only `terraform plan` (job infra-drift, environment
#              production-plan);
#  - deploy:   EKS only, edit rights in the app namespace (job deploy,
#              environment production);
#  - ecr-push: push the verified digest and its signatures to ECR (job
#              mirror-ecr, branch ref, no environment).
# A job in a GitHub environment gets the subject
# repo:<owner>/<name>:environment:<env>, which carries no branch: the branch
# binding for those two roles is the environments' deployment-branch rule
# ("main" only), set in the repository settings (docs/deployment.md).

locals {
  github_oidc_url       = "https://token.actions.githubusercontent.com"
  github_oidc_host      = "token.actions.githubusercontent.com"
  github_branch_subject = "repo:${var.github_repository}:ref:refs/heads/${var.github_branch}"
  github_plan_subject   = "repo:${var.github_repository}:environment:${var.github_plan_environment}"
  github_deploy_subject = "repo:${var.github_repository}:environment:${var.github_deploy_environment}"
  github_oidc_provider_arn = (var.create_github_oidc_provider
    ? aws_iam_openid_connect_provider.github[0].arn
  : "arn:${local.partition}:iam::${local.account_id}:oidc-provider/${local.github_oidc_host}")
}

resource "aws_iam_openid_connect_provider" "github" {
  count          = var.create_github_oidc_provider ? 1 : 0
  url            = local.github_oidc_url
  client_id_list = ["sts.amazonaws.com"]
  # AWS validates GitHub's certificate against its own trust store; the list
  # is still required by older API versions.
  thumbprint_list = [
    "6938fd4d98bab03faadb97b34396831e3780aea1",
    "1c58a3a8518e8759bf075b76b750d4f2df264fcd",
  ]
}

data "aws_iam_policy_document" "plan_assume" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = [local.github_oidc_provider_arn]
    }
    condition {
      test     = "StringEquals"
      variable = "${local.github_oidc_host}:aud"
      values   = ["sts.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "${local.github_oidc_host}:sub"
      values   = [local.github_plan_subject]
    }
  }
}

data "aws_iam_policy_document" "deploy_assume" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = [local.github_oidc_provider_arn]
    }
    condition {
      test     = "StringEquals"
      variable = "${local.github_oidc_host}:aud"
      values   = ["sts.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "${local.github_oidc_host}:sub"
      values   = [local.github_deploy_subject]
    }
  }
}

resource "aws_iam_role" "github_plan" {
  name                 = "${local.name}-github-plan"
  description          = "terraform plan from ${var.github_repository} (read-only)"
  assume_role_policy   = data.aws_iam_policy_document.plan_assume.json
  max_session_duration = 3600
}

resource "aws_iam_role" "github_deploy" {
  name                 = "${local.name}-github-deploy"
  description          = "Deploy secure-ml-api to EKS from ${var.github_repository}@${var.github_branch}"
  assume_role_policy   = data.aws_iam_policy_document.deploy_assume.json
  max_session_duration = 3600
}

# Plan: read the resources this configuration manages, read the state, and
# hold the state lock. Read-only verbs (Describe/Get/List) only; the one write
# is the lock object next to the state file.
# Trivy AVD-AWS-0057: terraform refresh needs Describe*/List*/Get* on every managed type (read-only; tests/deploy/lib/terraform-policy.mjs).
#trivy:ignore:AVD-AWS-0057
data "aws_iam_policy_document" "plan" {
  #checkov:skip=CKV_AWS_356:read-only Describe/List calls of terraform refresh are not resource-restrictable
  statement {
    sid = "ReadManagedResources"
    actions = [
      "ec2:Describe*",
      "eks:Describe*",
      "eks:List*",
      "elasticache:Describe*",
      "elasticache:List*",
      "ecr:Describe*",
      "ecr:GetLifecyclePolicy",
      "ecr:GetRepositoryPolicy",
      "ecr:List*",
      "iam:Get*",
      "iam:List*",
      "kms:DescribeKey",
      "kms:GetKeyPolicy",
      "kms:GetKeyRotationStatus",
      "kms:List*",
      "logs:Describe*",
      "logs:ListTagsForResource",
      "secretsmanager:DescribeSecret",
      "secretsmanager:GetResourcePolicy",
      "secretsmanager:ListSecrets",
      "sts:GetCallerIdentity",
    ]
    resources = ["*"]
  }

  statement {
    sid       = "ReadState"
    actions   = ["s3:ListBucket"]
    resources = ["arn:${local.partition}:s3:::${var.state_bucket_name}"]
  }

  statement {
    sid       = "ReadStateObject"
    actions   = ["s3:GetObject"]
    resources = ["arn:${local.partition}:s3:::${var.state_bucket_name}/${var.state_key}"]
  }

  # Refreshing aws_secretsmanager_secret_version reads the value. The plan
  # role can read the same token in the state file anyway (see
  # docs/deployment.md, "Secrets in Terraform state"), so this adds no exposure.
  statement {
    sid       = "RefreshRedisAuthSecret"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [aws_secretsmanager_secret.redis_auth.arn]
  }

  statement {
    sid       = "DecryptManagedData"
    actions   = ["kms:Decrypt"]
    resources = [aws_kms_key.data.arn]
  }

  dynamic "statement" {
    for_each = var.state_kms_key_arn == "" ? [] : [var.state_kms_key_arn]
    content {
      sid       = "StateEncryptionKey"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = [statement.value]
    }
  }

  statement {
    sid       = "HoldStateLock"
    actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
    resources = ["arn:${local.partition}:s3:::${var.state_bucket_name}/${var.state_key}.tflock"]
  }
}

resource "aws_iam_role_policy" "github_plan" {
  name   = "terraform-plan-read-only"
  role   = aws_iam_role.github_plan.id
  policy = data.aws_iam_policy_document.plan.json
}

# Deploy: fetch a kubeconfig for this one cluster, and read (never write) the
# image repository and its signatures so the job can verify the exact ECR
# digest it deploys. Inside Kubernetes the role is the group
# var.deploy_kubernetes_group, bound by deploy/k8s/cluster/deploy-rbac.yaml
# to a Role in the application namespace that lists exactly the kinds the
# pipeline applies (no EKS access policy: AmazonEKSEditPolicy does not cover
# the Argo Rollouts and Prometheus Operator custom resources).
# Trivy AVD-AWS-0057: ecr:GetAuthorizationToken has no resource-level permissions (the only "*").
#trivy:ignore:AVD-AWS-0057
data "aws_iam_policy_document" "deploy" {
  statement {
    sid       = "DescribeThisCluster"
    actions   = ["eks:DescribeCluster"]
    resources = [aws_eks_cluster.this.arn]
  }

  #checkov:skip=CKV_AWS_356:ecr:GetAuthorizationToken has no resource-level permissions
  statement {
    sid       = "RegistryLogin"
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }

  statement {
    sid = "ReadImageAndSignatures"
    actions = [
      "ecr:BatchCheckLayerAvailability",
      "ecr:BatchGetImage",
      "ecr:DescribeImages",
      "ecr:GetDownloadUrlForLayer",
    ]
    resources = [aws_ecr_repository.this.arn, aws_ecr_repository.signatures.arn]
  }
}

resource "aws_iam_role_policy" "github_deploy" {
  name   = "eks-deploy"
  role   = aws_iam_role.github_deploy.id
  policy = data.aws_iam_policy_document.deploy.json
}

resource "aws_eks_access_entry" "github_deploy" {
  cluster_name      = aws_eks_cluster.this.name
  principal_arn     = aws_iam_role.github_deploy.arn
  type              = "STANDARD"
  kubernetes_groups = [var.deploy_kubernetes_group]
}

# ECR push: trusted from the branch ref only; may write to the two
# repositories of this configuration and nothing else.
data "aws_iam_policy_document" "ecr_push_assume" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = [local.github_oidc_provider_arn]
    }
    condition {
      test     = "StringEquals"
      variable = "${local.github_oidc_host}:aud"
      values   = ["sts.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "${local.github_oidc_host}:sub"
      values   = [local.github_branch_subject]
    }
  }
}

resource "aws_iam_role" "github_ecr_push" {
  name                 = "${local.name}-github-ecr-push"
  description          = "Push signed images to ECR from ${var.github_repository}@${var.github_branch}"
  assume_role_policy   = data.aws_iam_policy_document.ecr_push_assume.json
  max_session_duration = 3600
}

# Trivy AVD-AWS-0057: ecr:GetAuthorizationToken has no resource-level permissions (the only "*").
#trivy:ignore:AVD-AWS-0057
data "aws_iam_policy_document" "ecr_push" {
  #checkov:skip=CKV_AWS_356:ecr:GetAuthorizationToken has no resource-level permissions
  # GetAuthorizationToken has no resource-level permissions.
  statement {
    sid       = "RegistryLogin"
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }

  statement {
    sid = "PushAndReadTheseRepositories"
    actions = [
      "ecr:BatchCheckLayerAvailability",
      "ecr:BatchGetImage",
      "ecr:CompleteLayerUpload",
      "ecr:DescribeImages",
      "ecr:GetDownloadUrlForLayer",
      "ecr:InitiateLayerUpload",
      "ecr:PutImage",
      "ecr:UploadLayerPart",
    ]
    resources = [aws_ecr_repository.this.arn, aws_ecr_repository.signatures.arn]
  }

  # Layers are encrypted with the data key.
  statement {
    sid       = "UseRegistryKey"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [aws_kms_key.data.arn]
  }
}

resource "aws_iam_role_policy" "github_ecr_push" {
  name   = "ecr-push"
  role   = aws_iam_role.github_ecr_push.id
  policy = data.aws_iam_policy_document.ecr_push.json
}

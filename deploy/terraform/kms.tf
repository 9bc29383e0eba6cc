# Two customer-managed keys, both rotated automatically:
#  - eks_secrets: envelope encryption of Kubernetes Secrets in etcd;
#  - data: CloudWatch log groups, ElastiCache at rest, ECR, Secrets Manager.

resource "aws_kms_key" "eks_secrets" {
  description             = "${local.name} EKS Secrets envelope encryption"
  enable_key_rotation     = true
  rotation_period_in_days = 90
  deletion_window_in_days = 30
}

resource "aws_kms_alias" "eks_secrets" {
  name          = "alias/${local.name}-eks-secrets"
  target_key_id = aws_kms_key.eks_secrets.key_id
}

# Trivy AVD-AWS-0057: a key policy's resource "*" is the key itself.
#trivy:ignore:AVD-AWS-0057
data "aws_iam_policy_document" "data_key" {
  # In a key policy "*" means "this key"; the statements are scoped by principal.
  #checkov:skip=CKV_AWS_109:key policy, resource "*" is the key itself
  #checkov:skip=CKV_AWS_111:key policy, resource "*" is the key itself
  #checkov:skip=CKV_AWS_356:key policy, resource "*" is the key itself
  # Account administrators manage the key through IAM policies.
  statement {
    sid       = "AccountAdministration"
    actions   = ["kms:*"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }

  # CloudWatch Logs encrypts the log groups of this account and region only.
  statement {
    sid = "CloudWatchLogs"
    actions = [
      "kms:Encrypt",
      "kms:Decrypt",
      "kms:ReEncrypt*",
      "kms:GenerateDataKey*",
      "kms:Describe*",
    ]
    resources = ["*"]
    principals {
      type        = "Service"
      identifiers = ["logs.${var.region}.amazonaws.com"]
    }
    condition {
      test     = "ArnLike"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = ["arn:${local.partition}:logs:${var.region}:${local.account_id}:log-group:*"]
    }
  }

  # EC2 Auto Scaling launches the nodes and must use the key for their
  # encrypted root volumes.
  statement {
    sid = "AutoScalingVolumes"
    actions = [
      "kms:Encrypt",
      "kms:Decrypt",
      "kms:ReEncrypt*",
      "kms:GenerateDataKey*",
      "kms:DescribeKey",
    ]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = [local.autoscaling_role_arn]
    }
  }

  statement {
    sid       = "AutoScalingVolumeGrants"
    actions   = ["kms:CreateGrant"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = [local.autoscaling_role_arn]
    }
    condition {
      test     = "Bool"
      variable = "kms:GrantIsForAWSResource"
      values   = ["true"]
    }
  }
}

resource "aws_kms_key" "data" {
  description             = "${local.name} logs, cache, registry and secrets at rest"
  enable_key_rotation     = true
  rotation_period_in_days = 90
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.data_key.json
}

resource "aws_kms_alias" "data" {
  name          = "alias/${local.name}-data"
  target_key_id = aws_kms_key.data.key_id
}

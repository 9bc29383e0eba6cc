# Kyverno verifies the cosign signature and SBOM attestation of every
# secure-ml-api pod (deploy/k8s/cluster/kyverno-verify-images.yaml). For ECR
# images it must read the image and the -signatures repository. Pods cannot
# borrow the node role (IMDSv2 hop limit 1, nodes.tf), so the admission
# controller's service account gets its own role through EKS Pod Identity:
# read-only, these two repositories only.

data "aws_iam_policy_document" "kyverno_assume" {
  statement {
    actions = ["sts:AssumeRole", "sts:TagSession"]
    principals {
      type        = "Service"
      identifiers = ["pods.eks.amazonaws.com"]
    }
    # Pod Identity tags the session: only this cluster's Kyverno admission
    # controller may use the role.
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:RequestTag/eks-cluster-arn"
      values   = [aws_eks_cluster.this.arn]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:RequestTag/kubernetes-namespace"
      values   = [var.kyverno_namespace]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:RequestTag/kubernetes-service-account"
      values   = [var.kyverno_admission_service_account]
    }
  }
}

resource "aws_iam_role" "kyverno" {
  name                 = "${local.name}-kyverno-ecr-read"
  description          = "Kyverno admission controller: read images and cosign signatures from ECR"
  assume_role_policy   = data.aws_iam_policy_document.kyverno_assume.json
  max_session_duration = 3600
}

# Trivy AVD-AWS-0057: ecr:GetAuthorizationToken has no resource-level permissions (the only "*").
#trivy:ignore:AVD-AWS-0057
data "aws_iam_policy_document" "kyverno" {
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
      "ecr:ListImages",
    ]
    resources = [aws_ecr_repository.this.arn, aws_ecr_repository.signatures.arn]
  }
}

resource "aws_iam_role_policy" "kyverno" {
  name   = "ecr-read"
  role   = aws_iam_role.kyverno.id
  policy = data.aws_iam_policy_document.kyverno.json
}

resource "aws_eks_pod_identity_association" "kyverno" {
  cluster_name    = aws_eks_cluster.this.name
  namespace       = var.kyverno_namespace
  service_account = var.kyverno_admission_service_account
  role_arn        = aws_iam_role.kyverno.arn

  depends_on = [aws_eks_addon.pod_identity_agent]
}

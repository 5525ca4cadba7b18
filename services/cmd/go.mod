module github.com/sas-platform/sas/services/cmd

go 1.26.0

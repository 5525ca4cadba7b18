module github.com/sas-platform/sas/services/directory

go 1.26.0

module github.com/sas-platform/sas/services/availability

go 1.26.0

module github.com/sas-platform/sas/services/search

go 1.26.0

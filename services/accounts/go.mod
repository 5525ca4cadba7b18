module github.com/sas-platform/sas/services/accounts

go 1.26.0

require golang.org/x/text v0.43.0 // indirect

"""lincRNA identification: transcript filters, coding potential, protein domains and the RNA-seq workflow."""

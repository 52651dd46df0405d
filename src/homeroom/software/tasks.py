"""Background work of the Apps module: provisioning exports, queued by
exports.export_start and run by the worker `homeroom run` starts."""

from django_tasks import task

from homeroom.software.models import ProvisioningExport


@task()
def run_provisioning_export(export_id: int) -> None:
    from homeroom.software.exports import export_run

    export = ProvisioningExport.objects.filter(pk=export_id).first()
    if export is not None:
        export_run(export)
